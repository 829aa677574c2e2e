/*
 * glonass-dispatch: /storms, storms for dispatchers and auditors.
 *
 * Lists /api/storms with a link to each storm's act (/storms/{id}) and its CSV. Dispatchers
 * (and admins) also get the form that declares a storm (POST /api/storms, with the norms per
 * priority class) and, per storm, "Снегопад кончился" (POST /api/storms/{id}/end). Times are
 * read and typed on the city's clock (pages.js time); server texts are set as text only.
 */
import * as P from './pages.js';
import * as F from './formats.js';

var config = P.pageConfig();

var T = F.time(config.timeZone);
var declareForm = document.querySelector('[data-declare-form]');
var endForm = document.querySelector('[data-end-form]');
var editor = false, ending = null;

function q(selector) { return document.querySelector(selector); }

function showError(where, error) {
  var box = q(where);
  box.textContent = error ? (error.message || String(error)) : '';
  box.hidden = !error;
}

function cell(row, text) {
  var td = P.el('td', null, text === null || text === undefined || text === '' ? '—' : text);
  row.appendChild(td);
  return td;
}

function link(text, href, name) {
  var a = P.el('a', null, text);
  a.href = href;
  a.setAttribute('data-action', name);
  return a;
}

function norms(storm) {
  var n = storm.norms_in_effect_h || {};
  return Object.keys(n).sort().map(function (k) {
    return k + ': ' + String(n[k]).replace('.', ',') + ' ч';
  }).join(', ');
}

function row(storm) {
  var tr = P.el('tr');
  tr.setAttribute('data-storm-id', String(storm.id));
  cell(tr, String(storm.id));
  cell(tr, storm.name);
  cell(tr, T.format(storm.started_at));
  cell(tr, storm.snowfall_ended_at ? T.format(storm.snowfall_ended_at) : 'идёт');
  cell(tr, storm.closed_at ? T.format(storm.closed_at) : '—');
  cell(tr, norms(storm));
  var actions = cell(tr, '');
  actions.textContent = '';
  actions.appendChild(link('Акт', '/storms/' + storm.id, 'act'));
  actions.appendChild(document.createTextNode(' · '));
  actions.appendChild(link('CSV', '/api/storms/' + storm.id + '/act?format=csv', 'csv'));
  if (editor && !storm.closed_at) {
    var b = P.el('button', null, storm.snowfall_ended_at ? 'Изменить конец' : 'Снегопад кончился');
    b.type = 'button';
    b.setAttribute('data-action', 'end');
    b.addEventListener('click', function () { openEnd(storm); });
    actions.appendChild(document.createTextNode(' '));
    actions.appendChild(b);
  }
  return tr;
}

function load() {
  return P.getJSON(config.stormsUrl).then(function (storms) {
    var body = q('[data-storms] tbody');
    body.textContent = '';
    storms.forEach(function (s) { body.appendChild(row(s)); });
    if (!storms.length) {
      var tr = P.el('tr');
      var td = cell(tr, 'Снегопадов ещё не объявляли.');
      td.colSpan = 7;
      body.appendChild(tr);
    }
    showError('[data-error]', null);
  }, function (error) { showError('[data-error]', error); });
}

function instant(form, name) {
  var value = form.elements[name].value;
  var t = T.fromInput(value);
  return t === null ? null : T.iso(t);
}

function openEnd(storm) {
  ending = storm;
  q('[data-end-name]').textContent = storm.name;
  endForm.elements.snowfall_ended_at.value = T.toInput(storm.snowfall_ended_at || Date.now());
  endForm.elements.closed_at.value = storm.closed_at ? T.toInput(storm.closed_at) : '';
  q('[data-end]').hidden = false;
  endForm.elements.snowfall_ended_at.focus();
}

endForm.addEventListener('submit', function (event) {
  event.preventDefault();
  if (!ending) { return; }
  var body = {snowfall_ended_at: instant(endForm, 'snowfall_ended_at')};
  var closed = instant(endForm, 'closed_at');
  if (closed) { body.closed_at = closed; }
  P.sendJSON('POST', config.stormsUrl + '/' + ending.id + '/end', body).then(function () {
    ending = null;
    q('[data-end]').hidden = true;
    return load();
  }, function (error) { showError('[data-error]', error); });
});
q('[data-end-cancel]').addEventListener('click', function () {
  ending = null;
  q('[data-end]').hidden = true;
});

declareForm.addEventListener('submit', function (event) {
  event.preventDefault();
  var f = declareForm.elements, normsH = {};
  ['1', '2', '3'].forEach(function (p) { normsH[p] = Number(f['norm' + p].value); });
  var body = {name: f.name.value, started_at: instant(declareForm, 'started_at'),
    snowfall_ended_at: instant(declareForm, 'snowfall_ended_at'), norms_h: normsH,
    notes: f.notes.value};
  P.sendJSON('POST', config.stormsUrl, body).then(function () {
    showError('[data-form-error]', null);
    f.name.value = '';
    f.notes.value = '';
    return load();
  }, function (error) { showError('[data-form-error]', error); });
});

P.session().then(function (info) {
  editor = P.canEdit(info, config.editorRoles);
  q('[data-declare]').hidden = !editor;
  if (editor) { declareForm.elements.started_at.value = T.toInput(Date.now()); }
  return load();
});
