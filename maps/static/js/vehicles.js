/*
 * glonass-dispatch: /admin/vehicles, the fleet for admins.
 *
 * Lists /api/fleet; the form adds a vehicle (POST) or, after "Изменить", changes one (PUT);
 * "Удалить" removes one after a confirmation (DELETE, a soft removal). The server checks every
 * field and its refusal is shown next to the field it names. Server texts are set as text.
 */
import * as P from './pages.js';
import * as R from './registry.js';

var config = P.pageConfig();

var form = document.querySelector('[data-vehicle-form]');
var formError = form.querySelector('[data-form-error]');
var pageError = document.querySelector('[data-page-error]');
var table = document.querySelector('[data-vehicles]');
var editing = null;
var filter = R.search(document.querySelector('[data-search]'), table,
  document.querySelector('[data-count]'));

function row(v) {
  var tr = P.el('tr');
  tr.setAttribute('data-vehicle-id', String(v.id));
  R.cell(tr, v.id, 'n');
  R.cell(tr, v.name);
  R.cell(tr, config.kinds[v.kind] || v.kind);
  R.cell(tr, v.plate);
  R.cell(tr, v.contractor);
  R.cell(tr, [v.driver, v.driver_phone].filter(Boolean).join(', '));
  R.cell(tr, v.equipment && v.equipment.input, 'n');
  R.cell(tr, v.terminals.join(', '));
  var actions = R.cell(tr, '');
  actions.textContent = '';
  actions.appendChild(R.button('Изменить', 'edit', function () { edit(v); }));
  actions.appendChild(R.button('Удалить', 'remove', function () { remove(v); }));
  return tr;
}

function load() {
  return P.getJSON('/api/fleet').then(function (vehicles) {
    var body = table.tBodies[0];
    body.textContent = '';
    vehicles.forEach(function (v) { body.appendChild(row(v)); });
    filter();
    R.show(pageError, '');
  }, function (error) { R.show(pageError, error.message); });
}

function setMode(vehicle) {
  editing = vehicle;
  var f = form.elements;
  f.name.value = vehicle ? vehicle.name : '';
  f.kind.value = vehicle ? vehicle.kind : 'plow';
  f.plate.value = vehicle && vehicle.plate || '';
  f.contractor.value = vehicle && vehicle.contractor || '';
  f.driver.value = vehicle && vehicle.driver || '';
  f.driver_phone.value = vehicle && vehicle.driver_phone || '';
  f.equipment_input.value = String(vehicle && vehicle.equipment.input || 0);
  document.querySelector('[data-form-title]').textContent = vehicle
    ? 'Машина № ' + vehicle.id : 'Новая машина';
  form.querySelector('[data-submit]').textContent = vehicle ? 'Сохранить' : 'Добавить';
  form.querySelector('[data-cancel]').hidden = !vehicle;
  P.clearFieldErrors(form);
  R.show(formError, '');
}

function edit(vehicle) {
  setMode(vehicle);
  form.elements.name.focus();
}

function remove(vehicle) {
  if (!window.confirm('Удалить машину «' + vehicle.name + '»? Её треки и акты сохранятся, ' +
      'терминалы освободятся.')) { return; }
  P.sendJSON('DELETE', '/api/fleet/' + vehicle.id).then(function () {
    if (editing && editing.id === vehicle.id) { setMode(null); }
    return load();
  }, function (error) { R.show(pageError, error.message); });
}

function body() {
  var f = form.elements;
  var input = f.equipment_input.value.trim();
  return {name: f.name.value, kind: f.kind.value, plate: f.plate.value,
    contractor: f.contractor.value, driver: f.driver.value, driver_phone: f.driver_phone.value,
    equipment_input: /^\d+$/.test(input) ? Number(input) : input};
}

form.addEventListener('submit', function (event) {
  event.preventDefault();
  var sent = editing ? P.sendJSON('PUT', '/api/fleet/' + editing.id, body())
    : P.sendJSON('POST', '/api/fleet', body());
  sent.then(function () {
    setMode(null);
    return load();
  }, function (error) { R.refused(form, formError, error); });
});
form.querySelector('[data-cancel]').addEventListener('click', function () { setMode(null); });

setMode(null);
load();
