/*
 * glonass-dispatch: what a stretch on the coverage page was credited for (coverage_map.js
 * opens it on a click).
 *
 *   popup(props, T) -> Node
 *
 * One row per pass: the vehicle, the direction, its first and last fix, how many fixes and
 * whether they came from the black box, with links to exactly those fixes (/api/evidence:
 * GeoJSON, and CSV for a spreadsheet) and the vehicle's plate, contractor and terminal there.
 */
import {el} from './dom.js';

var DIRECTIONS = {as_drawn: 'прямо', against: 'обратно'};

function link(href, text, download) {
  var a = el('a', null, text);
  a.href = href;
  if (download) { a.setAttribute('download', ''); }
  return a;
}

function popup(p, T) {
  var box = el('div', 'gd-popup gd-evidence');
  box.appendChild(el('div', 'gd-popup-title', 'Основание: ' +
    (p.route_name || 'маршрут № ' + p.route_id) +
    (p.route_version ? ' (версия ' + p.route_version + ')' : '')));
  var names = {};
  (p.vehicles || []).forEach(function (v) { names[v.id] = v.name || '№ ' + v.id; });
  var runs = (p.evidence && p.evidence.passes) || [];
  if (!runs.length) {
    box.appendChild(el('p', 'gd-hint', 'Проходов с рабочим оборудованием в этом окне нет.'));
    return box;
  }
  var list = el('ul', 'gd-evidence-list');
  runs.forEach(function (r) {
    var li = el('li');
    li.setAttribute('data-evidence-pass', '');
    li.appendChild(el('b', null, names[r.vehicle_id] || '№ ' + r.vehicle_id));
    li.appendChild(el('span', null, ' · ' + (DIRECTIONS[r.direction] || r.direction) + ', ' +
      T.format(r.first_fix, true) + ' — ' + T.format(r.last_fix, true) + ', точек: ' +
      r.fixes + (r.black_box ? ' (из чёрного ящика)' : '') +
      (r.confirmed ? '' : ', без датчика') + ' · '));
    if (r.fixes_url) {
      li.appendChild(link(r.fixes_url, 'точки'));
      li.appendChild(el('span', null, ' · '));
      li.appendChild(link(r.fixes_url + '&format=csv', 'CSV', true));
    }
    list.appendChild(li);
  });
  box.appendChild(list);
  return box;
}

export {popup};
