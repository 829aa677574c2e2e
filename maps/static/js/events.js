/*
 * glonass-dispatch: /events, the alerts the server raised.
 *
 * Lists GET /api/alerts with the filter form's kind, vehicle, time range (typed on the city's
 * clock) and "only unacknowledged"; refreshes every minute. A vehicle's name opens its track
 * around the alert in /playback. Dispatchers (and admins) get an
 * "Подтвердить" button per unacknowledged alert (POST /api/alerts/{id}/ack with the session's
 * CSRF token). Server texts are set as text only.
 */
import * as P from './pages.js';
import * as F from './formats.js';

var config = P.pageConfig();

var T = F.time(config.timeZone);
var form = document.querySelector('[data-filter]');
var editor = false;
var REFRESH_MS = 60000;
var TRACK_MARGIN_MS = 10 * 60000;  // the track shown starts before and ends after the alert

function q(selector) { return document.querySelector(selector); }

function showError(error) {
  var box = q('[data-error]');
  box.textContent = error ? (error.message || String(error)) : '';
  box.hidden = !error;
}

/* "UTC+10" (or "UTC+9:30") for the zone's offset now. */
function offsetLabel() {
  var now = Math.floor(Date.now() / 60000) * 60000;  // the wall clock shows whole minutes
  var minutes = Math.round((Date.parse(T.toInput(now) + ':00Z') - now) / 60000);
  var sign = minutes < 0 ? '−' : '+', abs = Math.abs(minutes);
  var mm = abs % 60;
  return 'UTC' + sign + Math.floor(abs / 60) + (mm ? ':' + String(mm).padStart(2, '0') : '');
}

function number(value) { return F.numberFmt.format(Number(value) || 0); }

/* The details of an alert in words, by the keys its source writes. */
function describe(details) {
  var d = details || {}, parts = [];
  if (P.own(d, 'text')) { parts.push(d.text); }  /* the storm clock's: a whole sentence */
  if (P.own(d, 'distance_m')) { parts.push('вне маршрутов ' + F.km(d.distance_m)); }
  if (P.own(d, 'max_speed_kmh')) {
    parts.push('до ' + number(d.max_speed_kmh) + ' км/ч при пределе ' +
               number(d.limit_kmh) + ' км/ч');
  }
  if (P.own(d, 'driven_km')) { parts.push('проехала ' + number(d.driven_km) + ' км'); }
  if (P.own(d, 'hours')) { parts.push('за ' + F.duration(Number(d.hours) * 3600)); }
  if (P.own(d, 'max_distance_m')) {
    parts.push('в круге ' + number(d.max_distance_m) + ' м');
  }
  if (P.own(d, 'sensor')) { parts.push('датчик: ' + d.sensor); }
  if (P.own(d, 'silent_min')) {
    parts.push('без связи ' + F.duration(Number(d.silent_min) * 60) +
               (d.storm ? ', снегопад «' + d.storm + '»' : ''));
  }
  return parts.join('; ');
}

function cell(row, text) {
  var td = P.el('td', null, text === null || text === undefined || text === '' ? '—' : text);
  row.appendChild(td);
  return td;
}

/* The alert's vehicle and route; the vehicle a link to its track around the alert. */
function subject(td, a) {
  td.textContent = '';
  if (a.vehicle_id) {
    var from = T.ms(a.started_at) - TRACK_MARGIN_MS;
    var to = T.ms(a.cleared_at || a.seen_at) + TRACK_MARGIN_MS;
    var link = P.el('a', null, a.vehicle);
    link.href = '/playback?' + new URLSearchParams({vehicle: String(a.vehicle_id),
      from: T.iso(from), to: T.iso(to)}).toString();
    link.setAttribute('data-action', 'track');
    td.appendChild(link);
  }
  if (a.route) {
    td.appendChild(document.createTextNode((a.vehicle_id ? ', ' : '') +
                                           'маршрут «' + a.route + '»'));
  }
}

function acknowledge(id) {
  return P.sendJSON('POST', config.alertsUrl + '/' + id + '/ack', {})
    .then(load, showError);
}

function row(feature) {
  var a = feature.properties, tr = P.el('tr');
  tr.setAttribute('data-alert-id', String(a.id));
  tr.setAttribute('data-kind', a.kind);
  cell(tr, T.format(a.raised_at));
  cell(tr, a.label);
  subject(cell(tr, ''), a);
  cell(tr, T.format(a.started_at));
  var state = cell(tr, a.holding ? 'продолжается' : 'закончилось ' + T.format(a.cleared_at));
  state.className = a.holding ? 'bad' : '';
  cell(tr, describe(a.details));
  var ack = cell(tr, '');
  if (a.acknowledged_at) {
    ack.textContent = a.acknowledged_by + ', ' + T.format(a.acknowledged_at);
    ack.className = 'ok';
  } else if (editor) {
    ack.textContent = '';
    var b = P.el('button', null, 'Подтвердить');
    b.type = 'button';
    b.setAttribute('data-action', 'ack');
    b.addEventListener('click', function () { b.disabled = true; acknowledge(a.id); });
    ack.appendChild(b);
  } else {
    ack.textContent = 'не подтверждена';
  }
  return tr;
}

function query() {
  var f = form.elements, args = new URLSearchParams();
  if (f.kind.value) { args.set('kind', f.kind.value); }
  if (f.vehicle.value) { args.set('vehicle', f.vehicle.value); }
  ['from', 'to'].forEach(function (name) {
    var t = T.fromInput(f[name].value);
    if (t !== null) { args.set(name, T.iso(t)); }
  });
  if (f.unacknowledged.checked) { args.set('acknowledged', 'no'); }
  var text = args.toString();
  return config.alertsUrl + (text ? '?' + text : '');
}

function load() {
  return P.getJSON(query()).then(function (found) {
    var body = q('[data-alerts] tbody');
    body.textContent = '';
    found.features.forEach(function (f) { body.appendChild(row(f)); });
    offerVehicles(found.features.filter(function (f) { return f.properties.vehicle_id; })
      .map(function (f) { return {id: f.properties.vehicle_id, name: f.properties.vehicle}; }));
    if (!found.features.length) {
      var td = cell(body.appendChild(P.el('tr')), 'Тревог нет.');
      td.colSpan = 7;
    }
    q('[data-unacknowledged]').textContent = String(found.unacknowledged);
    showError(null);
  }, showError);
}

/* The vehicle filter offers every vehicle on the map and every one an alert names. */
var vehicles = {};

function offerVehicles(list) {
  var select = form.elements.vehicle, chosen = select.value, added = false;
  list.forEach(function (v) {
    if (!P.own(vehicles, v.id)) { vehicles[v.id] = v.name; added = true; }
  });
  if (!added) { return; }
  while (select.options.length > 1) { select.remove(1); }
  Object.keys(vehicles)
    .sort(function (a, b) { return vehicles[a].localeCompare(vehicles[b], 'ru'); })
    .forEach(function (id) {
      var option = P.el('option', null, vehicles[id]);
      option.value = id;
      select.appendChild(option);
    });
  select.value = chosen;
}

function fillVehicles() {
  return P.getJSON(config.vehiclesUrl).then(function (fleet) {
    offerVehicles(fleet.features.map(function (f) { return f.properties; }));
  }, function () { /* the alerts still name their vehicles */ });
}

form.addEventListener('submit', function (event) {
  event.preventDefault();
  load();
});
q('[data-offset]').textContent = offsetLabel();
P.session().then(function (info) {
  editor = P.canEdit(info, config.editorRoles);
  return Promise.all([fillVehicles(), load()]);
});
setInterval(load, REFRESH_MS);
