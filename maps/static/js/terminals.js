/*
 * glonass-dispatch: /admin/terminals, the registry and commands to EGTS and Teltonika terminals.
 *
 * Lists /api/terminals with a search over the rows; the form registers a terminal (POST, the
 * server's refusal shown next to the field it names); each row fits the terminal to a vehicle
 * of /api/fleet (PUT) or removes it after a confirmation (DELETE). "Команды" opens a
 * terminal's command history and the form that queues a command
 * (POST /api/terminals/{id}/commands, the same fields as the CLI). While any command of the
 * open terminal is still on its way, the history is asked again every 2 s. Server texts are
 * only ever set as text.
 */
import * as P from './pages.js';
import * as F from './formats.js';
import * as R from './registry.js';

var config = P.pageConfig();

var T = F.time(config.timeZone);
var FINAL = {confirmed: true, failed: true, expired: true, cancelled: true};
var STATUS = config.statusLabels;  // egts_server.commands.STATUS_LABELS
var FORMS = config.commandForms;  // egts_server.commands.FORMS_BY_PROTOCOL
var STATUS_CLASS = {confirmed: 'ok', failed: 'bad', expired: 'bad', cancelled: 'warn'};
var TERMINAL_STATUS = {active: 'активен', quarantine: 'карантин', blocked: 'заблокирован'};

var form = document.querySelector('[data-command-form]');
var addForm = document.querySelector('[data-terminal-form]');
var section = document.querySelector('[data-commands]');
var chosen = null, timer = null, vehicles = [];
var filter = R.search(document.querySelector('[data-search]'),
  document.querySelector('[data-terminals]'), document.querySelector('[data-count]'));

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

function vehicleOptions(select, chosenId) {
  select.textContent = '';
  var none = P.el('option', null, '— без машины —');
  none.value = '';
  select.appendChild(none);
  vehicles.forEach(function (v) {
    var option = P.el('option', null, v.name + (v.plate ? ' · ' + v.plate : ''));
    option.value = String(v.id);
    option.selected = v.id === chosenId;
    select.appendChild(option);
  });
}

function vehicleSelect(t) {
  var select = P.el('select');
  select.name = 'vehicle_id';
  vehicleOptions(select, t.vehicle_id);
  select.addEventListener('change', function () {
    P.sendJSON('PUT', '/api/terminals/' + t.id,
      {vehicle_id: select.value ? Number(select.value) : null})
      .then(loadTerminals, function (error) { showError('[data-page-error]', error); });
  });
  return select;
}

function remove(t) {
  var name = t.protocol + ':' + t.identifier;
  if (!window.confirm('Удалить терминал ' + name + '? Его сохранённые отметки останутся.')) {
    return;
  }
  P.sendJSON('DELETE', '/api/terminals/' + t.id).then(function () {
    if (chosen && chosen.id === t.id) { chosen = null; section.hidden = true; }
    return loadTerminals();
  }, function (error) { showError('[data-page-error]', error); });
}

function loadTerminals() {
  return Promise.all([P.getJSON('/api/terminals'), P.getJSON('/api/fleet')])
    .then(function (found) {
      var terminals = found[0];
      vehicles = found[1];
      vehicleOptions(addForm.elements.vehicle_id, null);
      var body = q('[data-terminals] tbody');
      body.textContent = '';
      terminals.forEach(function (t) {
        var row = P.el('tr');
        row.setAttribute('data-terminal-id', String(t.id));
        cell(row, t.id, 'n');
        cell(row, t.protocol + ':' + t.identifier);
        cell(row, t.imei);
        cell(row, TERMINAL_STATUS[t.status] || t.status);
        var fitted = cell(row, '');
        fitted.textContent = '';
        fitted.appendChild(vehicleSelect(t));
        row.setAttribute('data-search-text', [t.id, t.protocol + ':' + t.identifier,
          t.imei || '', TERMINAL_STATUS[t.status] || t.status, t.vehicle || ''].join(' '));
        cell(row, T.format(t.last_login_at, true));
        cell(row, t.last_address);
        var action = cell(row, '');
        if (FORMS[t.protocol]) {
          action.appendChild(R.button('Команды', 'commands', function () { choose(t, row); }));
        }
        action.appendChild(R.button('Удалить', 'remove', function () { remove(t); }));
        body.appendChild(row);
      });
      filter();
      showError('[data-page-error]', null);
    }, function (error) { showError('[data-page-error]', error); });
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
  R.refused(form, q('[data-form-error]'), null);
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

/* Only the fields of the chosen kind of command show (the others belong to every kind). */
function showFields() {
  var kinds = config.commandFieldKinds;
  form.querySelectorAll('[data-field]').forEach(function (f) {
    var name = f.getAttribute('data-field');
    f.hidden = P.own(kinds, name) && kinds[name] !== kind();
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
  var hours = Number(f.ttl_s.value);  // typed in hours
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
      R.refused(form, q('[data-form-error]'), null);
      form.elements.text.value = '';
      loadHistory();
    }, function (error) { R.refused(form, q('[data-form-error]'), error); });
});

addForm.addEventListener('submit', function (event) {
  event.preventDefault();
  var f = addForm.elements;
  var formError = q('[data-terminal-form-error]');
  P.sendJSON('POST', '/api/terminals', {protocol: f.protocol.value,
    identifier: f.identifier.value, imei: f.imei.value,
    vehicle_id: f.vehicle_id.value ? Number(f.vehicle_id.value) : null})
    .then(function () {
      P.clearFieldErrors(addForm);
      R.show(formError, '');
      f.identifier.value = '';
      f.imei.value = '';
      return loadTerminals();
    }, function (error) { R.refused(addForm, formError, error); });
});

showFields();
loadTerminals();
