/*
 * glonass-dispatch: /admin/audit, the audit trail for admins.
 *
 * The filters (from/to in the city's time, who, object, action) become the query of
 * GET /api/audit; the same query with format=csv is the download link. A row shows, for a
 * change, the fields whose values differ ("text: скользко → посыпано"), for a creation or a
 * removal the object's name when it has one. Server texts are only ever set as text.
 */
import * as P from './pages.js';
import * as F from './formats.js';

var config = P.pageConfig();

var T = F.time(config.timeZone);
var form = document.querySelector('[data-filters]');
var HIDDEN = {created_at: true, updated_at: true, id: true};
var asked = 0;  // the newest query; an older answer arriving later is dropped

function q(selector) { return document.querySelector(selector); }

function showError(error) {
  var box = q('[data-error]');
  box.textContent = error ? (error.message || String(error)) : '';
  box.hidden = !error;
}

function query() {
  var f = form.elements, params = new URLSearchParams();
  var from = T.fromInput(f.from.value), to = T.fromInput(f.to.value);
  if (from !== null) { params.set('from', T.iso(from)); }
  if (to !== null) { params.set('to', T.iso(to)); }
  ['who', 'kind', 'action'].forEach(function (name) {
    var value = f[name].value.trim();
    if (value) { params.set(name, value); }
  });
  return params;
}

function shown(value) {
  if (value === null || value === undefined) { return '—'; }
  var text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? text.slice(0, 77) + '…' : text;
}

function changes(entry) {
  var before = entry.before || {}, after = entry.after || {};
  if (entry.before && entry.after) {
    var keys = Object.keys(after).filter(function (k) {
      return !HIDDEN[k] && JSON.stringify(before[k]) !== JSON.stringify(after[k]);
    });
    return keys.map(function (k) {
      return k + ': ' + shown(before[k]) + ' → ' + shown(after[k]);
    }).join('; ');
  }
  var row = entry.after || entry.before;
  return row && row.name ? shown(row.name) : '';
}

function render(answer) {
  var body = q('[data-audit] tbody');
  body.textContent = '';
  answer.entries.forEach(function (e) {
    var tr = P.el('tr');
    tr.setAttribute('data-entry-id', String(e.id));
    [T.format(e.at, true), e.actor, P.own(config.roles, e.role) ? config.roles[e.role] : e.role,
      e.address, e.action_label, e.kind_label, e.object_id,
      [changes(e), e.detail].filter(Boolean).join('; ')].forEach(function (text) {
      tr.appendChild(P.el('td', null, text === null || text === undefined || text === ''
        ? '—' : text));
    });
    body.appendChild(tr);
  });
  q('[data-count]').textContent = 'Записей: ' + answer.entries.length +
    (answer.truncated ? ' (показаны последние ' + answer.limit + '; сузьте период)' : '');
}

function load() {
  var params = query();
  var csv = new URLSearchParams(params);
  csv.set('format', 'csv');
  q('[data-csv]').href = '/api/audit?' + csv.toString();
  var mine = ++asked;
  P.getJSON('/api/audit?' + params.toString()).then(function (answer) {
    if (mine !== asked) { return; }
    showError(null);
    render(answer);
  }, showError);
}

form.addEventListener('submit', function (event) {
  event.preventDefault();
  load();
});
form.elements.from.value = T.toInput(Date.now() - 24 * 3600 * 1000);
load();
