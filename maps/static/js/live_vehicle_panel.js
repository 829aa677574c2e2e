/*
 * glonass-dispatch: the live map's vehicle panel (live_fleet.js builds it in attachPanel).
 *
 *   var panel = vehiclePanel(box, map, realtime, fleet);
 *   panel.update(features);   // after every poll: contractor choices, the list, the card
 *   panel.describe();         // the active filter in words, '' when none
 *
 * Search by name, plate or terminal; filter by kind, contractor and state (working, moving,
 * parked, offline). The filter goes to the fleet's layer router, so markers, legend counts and
 * the status line all follow it (fleet.changed() recounts). A click on a listed vehicle centres
 * the map on it and follows it on every poll until the dispatcher pans; its card shows the last
 * fix in the city's time with the offset, speed, the equipment in words, the contractor, the
 * driver (name and a phone link, when the feed carries them) and a link to today's track in
 * playback. Names and texts are only ever set as text, never HTML.
 */
import * as U from './live_map_util.js';

var el = U.el;
var NO_CONTRACTOR = '\u0000';
var FOLLOW_ZOOM = 16;  // past the clusters (maps/pages/live_layers.py CLUSTER_UNTIL_ZOOM)
var LIST_LIMIT = 200;

function contractorOf(p) { return p.contractor ? String(p.contractor) : NO_CONTRACTOR; }

/* Lower case without spaces, so «а 123 вс» finds «А123ВС27». */
function squash(text) { return String(text || '').toLowerCase().replace(/\s+/g, ''); }

function vehiclePanel(box, map, realtime, fleet) {
  var config = fleet.config, kinds = fleet.kinds;
  var q = function (sel) { return box.querySelector(sel); };
  var search = q('[data-vehicle-search]'), kindSelect = q('[data-kind-filter]');
  var contractorSelect = q('[data-contractor-filter]'), stateSelect = q('[data-state-filter]');
  var list = q('[data-vehicle-list]'), card = q('[data-vehicle-card]');
  var shownCount = q('[data-vehicle-shown]');
  var features = {}, knownContractors = null, listKey = '';
  var selected = null, following = false;
  var zone = config.timeZone;
  var stampFmt = new Intl.DateTimeFormat('ru-RU', {timeZone: zone, day: '2-digit',
    month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit'});
  var partsFmt = new Intl.DateTimeFormat('en-US', {timeZone: zone, year: 'numeric',
    month: '2-digit', day: '2-digit', timeZoneName: 'longOffset'});

  /* The city's date and UTC offset at instant t: {date: 'YYYY-MM-DD', offset: '+10:00'}. */
  function cityDay(t) {
    var v = {};
    partsFmt.formatToParts(new Date(t)).forEach(function (p) { v[p.type] = p.value; });
    var offset = (v.timeZoneName || '').replace('GMT', '') || '+00:00';
    return {date: v.year + '-' + v.month + '-' + v.day, offset: offset};
  }

  /* «05.12.2026 14:30:05 (+10:00)», as dispatch/local_time.py writes times for people. */
  function stamp(iso) {
    var t = Date.parse(iso);
    if (isNaN(t)) { return '—'; }
    return stampFmt.format(new Date(t)).replace(',', '') + ' (' + cityDay(t).offset + ')';
  }

  function todayTrackUrl(id) {
    var now = Date.now(), day = cityDay(now);
    return config.playbackUrl + '?vehicle=' + encodeURIComponent(id) + '&from=' +
      encodeURIComponent(day.date + 'T00:00:00' + day.offset) + '&to=' +
      encodeURIComponent(new Date(now).toISOString());
  }

  /* ---------------------------------------------------------------- the filter */

  function filterState() {
    return {text: squash(search.value), kind: kindSelect.value,
      contractor: contractorSelect.value, state: stateSelect.value};
  }

  function passes(p, f) {
    if (f.kind && fleet.kindOf(p) !== f.kind) { return false; }
    if (f.contractor && contractorOf(p) !== f.contractor) { return false; }
    if (f.state && !fleet.hasState(p, f.state)) { return false; }
    if (!f.text) { return true; }
    var haystack = [p.name, p.plate, (p.terminals || []).join(' '), p.id].map(squash);
    return haystack.some(function (h) { return h.indexOf(f.text) >= 0; });
  }

  function isFiltering(f) { return !!(f.text || f.kind || f.contractor || f.state); }

  function describe() {
    var f = filterState(), parts = [];
    function chosen(select) { return select.options[select.selectedIndex].textContent; }
    if (f.text) { parts.push('поиск «' + search.value.trim() + '»'); }
    if (f.kind) { parts.push(chosen(kindSelect).toLowerCase()); }
    if (f.contractor) { parts.push('подрядчик: ' + chosen(contractorSelect)); }
    if (f.state) { parts.push(chosen(stateSelect)); }
    return parts.join('; ');
  }

  function applyFilter() {
    var f = filterState();
    fleet.container.filter(isFiltering(f) ? function (p) { return passes(p, f); } : null);
    fleet.changed();
    renderList();
  }

  search.addEventListener('input', applyFilter);
  [kindSelect, contractorSelect, stateSelect].forEach(function (select) {
    select.addEventListener('change', applyFilter);
  });

  /* The contractor choices follow the fleet; the chosen one stays chosen. */
  function contractorOptions() {
    var seen = {};
    Object.keys(features).forEach(function (id) {
      seen[contractorOf(features[id].properties)] = true;
    });
    var names = Object.keys(seen).filter(function (c) { return c !== NO_CONTRACTOR; }).sort();
    var key = names.join('\n') + (seen[NO_CONTRACTOR] ? '\n-' : '');
    if (key === knownContractors) { return; }
    knownContractors = key;
    var chosen = contractorSelect.value;
    contractorSelect.textContent = '';
    var options = [['', 'все']].concat(names.map(function (c) { return [c, c]; }));
    if (seen[NO_CONTRACTOR] && names.length) { options.push([NO_CONTRACTOR, 'без подрядчика']); }
    options.forEach(function (o) {
      var option = el('option', null, o[1]);
      option.value = o[0];
      contractorSelect.appendChild(option);
    });
    contractorSelect.value = options.some(function (o) { return o[0] === chosen; }) ? chosen : '';
    q('[data-contractor-filter-row]').hidden = names.length === 0;
    if (contractorSelect.value !== chosen) { applyFilter(); }
  }

  /* ------------------------------------------------------------------- the list */

  function stateWord(p) {
    if (p.online === false) { return 'нет связи'; }
    return (fleet.isMoving(p) ? 'едет' : 'стоит') +
      (p.equipment_active === true ? ', ' + fleet.equipmentText(p) : '');
  }

  function renderList() {
    var f = filterState();
    var shown = Object.keys(features).map(function (id) { return features[id].properties; })
      .filter(function (p) { return passes(p, f); })
      .sort(function (a, b) {
        return String(a.name).localeCompare(String(b.name), 'ru', {numeric: true});
      });
    shownCount.textContent = '(' + shown.length + ')';
    var key = shown.slice(0, LIST_LIMIT).map(function (p) {
      return [p.id, p.name, p.plate, stateWord(p), String(p.id) === selected].join('|');
    }).join('\n');
    if (key === listKey) { return; }
    listKey = key;
    var scroll = list.scrollTop;
    list.textContent = '';
    shown.slice(0, LIST_LIMIT).forEach(function (p) {
      var item = el('li');
      var button = el('button', 'gd-vehicle-item');
      button.type = 'button';
      button.setAttribute('data-vehicle-item', String(p.id));
      if (String(p.id) === selected) { button.setAttribute('aria-current', 'true'); }
      var swatch = el('span', 'gd-swatch');
      swatch.style.setProperty('--gd-colour', kinds[fleet.kindOf(p)].colour);
      button.appendChild(swatch);
      button.appendChild(el('span', 'gd-vehicle-name', p.name || ('№ ' + p.id)));
      if (p.plate) { button.appendChild(el('span', 'gd-vehicle-plate', p.plate)); }
      button.appendChild(el('span', 'gd-vehicle-state' + (p.online === false
        ? ' gd-offline-text' : ''), stateWord(p)));
      button.addEventListener('click', function () { select(String(p.id)); });
      item.appendChild(button);
      list.appendChild(item);
    });
    if (shown.length > LIST_LIMIT) {
      list.appendChild(el('li', 'gd-hint', 'и ещё ' + (shown.length - LIST_LIMIT) +
        ': уточните поиск'));
    }
    if (!shown.length) { list.appendChild(el('li', 'gd-hint', 'Ничего не найдено')); }
    list.scrollTop = scroll;
  }

  /* ---------------------------------------------------- the card and following */

  /* Put the vehicle in the middle of the map, or, where this panel covers the middle (a
     phone), in the middle of what is left below the panel. */
  function centreOn(latlng, zoom) {
    var size = map.getSize(), mapRect = map.getContainer().getBoundingClientRect();
    var boxRect = box.getBoundingClientRect(), middle = size.y / 2;
    if (boxRect.right > mapRect.left + size.x / 2 && boxRect.bottom - mapRect.top > middle - 40) {
      middle = Math.min(size.y - 30, (boxRect.bottom - mapRect.top + size.y) / 2);
    }
    var centre = map.unproject(map.project(latlng, zoom).subtract([0, middle - size.y / 2]),
      zoom);
    if (zoom === map.getZoom()) { map.panTo(centre); } else { map.setView(centre, zoom); }
  }

  function select(id) {
    selected = id;
    following = true;
    var marker = realtime.getLayer(id);
    renderCard();
    if (marker) { centreOn(marker.getLatLng(), Math.max(map.getZoom(), FOLLOW_ZOOM)); }
    listKey = '';
    renderList();
    // bring the card into the panel's view (the panel scrolls; the map must not)
    if (card.offsetTop + card.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, card.offsetTop - 40);
    }
  }

  map.on('dragstart', function () {
    if (following) {
      following = false;
      renderCard();
    }
  });

  /* «Имя, +7 914 123-45-67» with the phone a link that dials it (the feed carries the driver
     to signed-in staff only). */
  function driverCell(p) {
    var cell = document.createDocumentFragment();
    if (p.driver) { cell.appendChild(document.createTextNode(p.driver)); }
    if (p.driver_phone) {
      if (p.driver) { cell.appendChild(document.createTextNode(', ')); }
      var dial = el('a', 'gd-popup-link', p.driver_phone_text);
      dial.href = 'tel:' + p.driver_phone;
      cell.appendChild(dial);
    }
    return cell;
  }

  function renderCard() {
    var feature = selected === null ? null : features[selected];
    card.hidden = !feature;
    card.textContent = '';
    if (!feature) { return; }
    var p = feature.properties, style = kinds[fleet.kindOf(p)];
    var title = el('div', 'gd-popup-title');
    var swatch = el('span', 'gd-swatch');
    swatch.style.setProperty('--gd-colour', style.colour);
    title.appendChild(swatch);
    title.appendChild(el('span', null, p.name || ('№ ' + p.id)));
    var close = el('button', 'gd-card-close', '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Закрыть карточку');
    close.addEventListener('click', function () {
      selected = null;
      following = false;
      renderCard();
      listKey = '';
      renderList();
    });
    title.appendChild(close);
    card.appendChild(title);
    card.appendChild(el('div', 'gd-popup-kind', style.label + (p.plate ? ' · ' + p.plate : '')));
    var rows = [
      ['Последняя отметка', stamp(p.fix_time), {'data-card-fix': ''}],
      ['', fleet.formatAge(p.fix_time)],
      ['Скорость', Math.round(Number(p.speed_kmh) || 0) + ' км/ч', {'data-card-speed': ''}],
      ['Оборудование', fleet.equipmentText(p), {'data-card-equipment': ''}],
      ['Связь', fleet.linkText(p)],
      ['Подрядчик', p.contractor || '—', {'data-card-contractor': ''}]
    ];
    if (p.driver || p.driver_phone) {
      rows.push(['Водитель', driverCell(p), {'data-card-driver': ''}]);
    }
    if (p.terminals && p.terminals.length) { rows.push(['Терминал', p.terminals.join(', ')]); }
    card.appendChild(U.popupTable(rows));
    var actions = el('div', 'gd-popup-actions');
    var follow = el('button', 'gd-popup-button', following ? 'Не следить' : 'Следить');
    follow.type = 'button';
    follow.setAttribute('data-follow', String(following));
    follow.addEventListener('click', function () {
      if (following) { following = false; renderCard(); } else { select(selected); }
    });
    actions.appendChild(follow);
    if (config.playbackUrl) {
      var link = el('a', 'gd-popup-link', 'Трек за сегодня');
      link.href = todayTrackUrl(p.id);
      link.setAttribute('data-today-track', '');
      actions.appendChild(link);
    }
    actions.appendChild(el('div', 'gd-popup-note', following
      ? 'Карта следует за машиной, пока вы её не сдвинете.' : ''));
    card.appendChild(actions);
  }

  function update(latest) {
    features = latest;
    contractorOptions();
    renderList();
    if (selected !== null) {
      renderCard();
      var marker = realtime.getLayer(selected);
      if (following && marker) { centreOn(marker.getLatLng(), map.getZoom()); }
    }
  }

  return {update: update, describe: describe};
}

export {vehiclePanel};
