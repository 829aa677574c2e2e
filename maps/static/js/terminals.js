/*
 * glonass-dispatch: /admin/terminals, the registry and commands to EGTS and Teltonika terminals.
 *
 * Lists /api/terminals; "Команды" opens a terminal's command history and the form that queues
 * a command (POST /api/terminals/{id}/commands, the same fields as the CLI). While any command
 * of the open terminal is still on its way, the history is asked again every 2 s. Server
 * texts are only ever set as text.
 */
(function (P, config) {
  'use strict';

  var T = P.time(config.timeZone);
  var FINAL = {confirmed: true, failed: true, expired: true, cancelled: true};
  var STATUS = config.statusLabels;  // egts_server.commands.STATUS_LABELS
  var FORMS = config.commandForms;  // egts_server.commands.FORMS_BY_PROTOCOL
  var STATUS_CLASS = {confirmed: 'ok', failed: 'bad', expired: 'bad', cancelled: 'warn'};
  var TERMINAL_STATUS = {active: 'активен', quarantine: 'карантин', blocked: 'заблокирован'};

  var form = document.querySelector('[data-command-form]');
  var section = document.querySelector('[data-commands]');
  var chosen = null, timer = null;

  function q(selector) { return document.querySelector(selector); }

  function cell(row, text, className) {
    var td = P.el('td', className || null, text === null || text === undefined ? '—' :
      String(text));
    row.appendChild(td);
    return td;
  }

  function showError(where, error) {
    var box = q(where);
    box.textContent = error ? (error.message || String(error)) : '';
    box.hidden = !error;
  }

  /* -------------------------------------------------------------------------- terminals */

  function loadTerminals() {
    return P.getJSON('/api/terminals').then(function (terminals) {
      var body = q('[data-terminals] tbody');
      body.textContent = '';
      terminals.forEach(function (t) {
        var row = P.el('tr');
        row.setAttribute('data-terminal-id', String(t.id));
        cell(row, t.id, 'n');
        cell(row, t.protocol + ':' + t.identifier);
        cell(row, t.imei);
        cell(row, TERMINAL_STATUS[t.status] || t.status);
        cell(row, t.vehicle);
        cell(row, T.format(t.last_login_at, true));
        var action = cell(row, '');
        if (FORMS[t.protocol]) {
          var open = P.el('button', null, 'Команды');
          open.type = 'button';
          open.addEventListener('click', function () { choose(t, row); });
          action.appendChild(open);
        }
        body.appendChild(row);
      });
      showError('[data-error]', null);
    }, function (error) { showError('[data-error]', error); });
  }

  function choose(terminal, row) {
    chosen = terminal;
    document.querySelectorAll('[data-terminals] tr.chosen').forEach(function (r) {
      r.classList.remove('chosen');
    });
    row.classList.add('chosen');
    q('[data-terminal-name]').textContent = terminal.protocol + ':' + terminal.identifier;
    var allowed = FORMS[terminal.protocol];
    Array.prototype.forEach.call(form.elements.kind.options, function (option) {
      option.hidden = option.disabled = allowed.indexOf(option.value) < 0;
    });
    if (allowed.indexOf(kind()) < 0) { form.elements.kind.value = allowed[0]; }
    showFields();
    section.hidden = false;
    showError('[data-form-error]', null);
    loadHistory();
  }

  /* ---------------------------------------------------------------------------- history */

  function answerText(c) {
    var parts = [];
    if (c.result_text) { parts.push('«' + c.result_text + '»'); }
    else if (c.result_hex) { parts.push('0x' + c.result_hex); }
    if (c.error && STATUS_CLASS[c.status] === 'bad') { parts.push(c.error); }
    return parts.length ? parts.join('; ') : null;
  }

  function loadHistory() {
    if (!chosen) { return; }
    var terminal = chosen;
    clearTimeout(timer);
    P.getJSON('/api/terminals/' + terminal.id + '/commands').then(function (commands) {
      if (chosen !== terminal) { return; }
      var body = q('[data-history] tbody');
      body.textContent = '';
      var pending = false;
      commands.forEach(function (c) {
        var row = P.el('tr');
        row.setAttribute('data-command-id', String(c.id));
        row.setAttribute('data-status', c.status);
        cell(row, c.id, 'n');
        cell(row, T.format(c.created_at, true));
        cell(row, c.created_by);
        cell(row, c.summary);
        cell(row, STATUS[c.status] || c.status, STATUS_CLASS[c.status]);
        cell(row, c.attempts, 'n');
        cell(row, answerText(c));
        var action = cell(row, '');
        if (c.status === 'queued') {
          var cancel = P.el('button', null, 'Отменить');
          cancel.type = 'button';
          cancel.addEventListener('click', function () { withdraw(terminal, c); });
          action.appendChild(cancel);
        }
        pending = pending || !FINAL[c.status];
        body.appendChild(row);
      });
      if (pending) { timer = setTimeout(loadHistory, 2000); }
    }, function (error) { showError('[data-form-error]', error); });
  }

  function withdraw(terminal, command) {
    P.sendJSON('DELETE', '/api/terminals/' + terminal.id + '/commands/' + command.id)
      .then(loadHistory, function (error) { showError('[data-form-error]', error); });
  }

  /* ------------------------------------------------------------------------------- form */

  function kind() { return form.elements.kind.value; }

  function showFields() {
    form.querySelectorAll('[data-for]').forEach(function (label) {
      label.hidden = label.getAttribute('data-for') !== kind();
    });
  }

  function commandBody() {
    var f = form.elements, body = {};
    if (kind() === 'text') {
      body.text = f.text.value;
    } else if (kind() === 'command') {
      body.command = f.command.value;
      if (f.hex.value.trim()) { body.hex = f.hex.value.trim(); }
    } else {
      body.parameter = f.parameter.value.trim();
      body.action = f.action.value;
      if (f.value.value !== '') { body.value = f.value.value; }
    }
    var hours = Number(f.ttl_h.value);
    if (hours > 0) { body.ttl_s = Math.round(hours * 3600); }
    return body;
  }

  form.elements.kind.addEventListener('change', showFields);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!chosen) { return; }
    var terminal = chosen;
    P.sendJSON('POST', '/api/terminals/' + terminal.id + '/commands', commandBody())
      .then(function () {
        showError('[data-form-error]', null);
        form.elements.text.value = '';
        loadHistory();
      }, function (error) { showError('[data-form-error]', error); });
  });

  showFields();
  loadTerminals();
}(window.GlonassPages, window.GD_PAGE));
