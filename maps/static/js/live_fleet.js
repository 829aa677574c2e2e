/*
 * glonass-dispatch: the live map's vehicles (live_map.js starts them from the page's marker).
 *
 *   var fleet = liveFleet(config, {plow: featureGroup, ...});
 *   L.realtime(fleet.source, {pointToLayer: fleet.pointToLayer,
 *                             updateFeature: fleet.updateFeature,
 *                             container: fleet.container, ...});
 *   fleet.attachPanel(map, realtime, legendElement, vehiclePanelElement);
 *
 * Polls GET /api/vehicles every few seconds and draws each vehicle as a marker in its kind's
 * cluster layer: popup (with the last hour's track, live_track.js), tooltip, live counts
 * and poll status in the bottom-left legend. The vehicle panel (live_vehicle_panel.js) sets
 * the filter that markers, counts and status follow. Colours and labels come from
 * maps/styles.py through `config`; names and texts from the database and terminals are only
 * ever set as text, never HTML.
 */
import * as P from './pages.js';
import * as U from './live_map_util.js';
import {lastHourTrack} from './live_track.js';
import {vehiclePanel} from './live_vehicle_panel.js';

var el = U.el, svgEl = U.svgEl, fetchFeatures = U.fetchFeatures;
var MOVING_KMH = 1;  // below this a fix is "standing": GNSS noise makes 0 rare

function fleet(config, groups) {
  var kinds = config.kinds;
  /* Each kind's cluster bubble: the kind's colour, the count, a ring when any is working. */
  Object.keys(groups).forEach(function (kind) {
    if (groups[kind].options) { groups[kind].options.iconCreateFunction = clusterIcon(kind); }
  });
  function clusterIcon(kind) {
    return function (cluster) {
      var children = cluster.getAllChildMarkers(), root = el('div', 'gd-cluster');
      root.style.setProperty('--gd-colour', (kinds[kind] || kinds[config.fallbackKind]).colour);
      root.style.setProperty('--gd-working', config.workingColour);
      if (children.some(function (m) { return m.feature.properties.equipment_active === true; })) {
        root.classList.add('gd-working');
      }
      root.setAttribute('data-cluster-kind', kind);
      root.appendChild(el('span', null, String(children.length)));
      return L.divIcon({className: 'gd-cluster-icon', html: root, iconSize: [34, 34]});
    };
  }
  var timeFmt = new Intl.DateTimeFormat('ru-RU', {
    timeZone: config.timeZone, day: '2-digit', month: '2-digit', year: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit'
  });
  var clockFmt = new Intl.DateTimeFormat('ru-RU', {
    timeZone: config.timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit'
  });

  var tracks = lastHourTrack(config, function (p) { return kinds[kindOf(p)].colour; },
                             function (t) { return clockFmt.format(new Date(t)); });

  function kindOf(props) {
    return U.own(kinds, props.kind) ? props.kind : config.fallbackKind;
  }

  function isMoving(props) { return Number(props.speed_kmh) >= MOVING_KMH; }

  /* Seconds since the last fix: the server's age at the last poll when it sends one (no
     clock skew between server and PC), else from the fix time. */
  function ageS(props) {
    if (typeof props.age_s === 'number' && isFinite(props.age_s)) { return props.age_s; }
    var t = Date.parse(props.fix_time);
    return isNaN(t) ? 0 : (Date.now() - t) / 1000;
  }

  /* Online by the server's rule but silent for a while: still drawn, with a dotted rim. */
  function isStale(props) {
    return props.online !== false && config.staleAfterS > 0 && ageS(props) > config.staleAfterS;
  }

  /* The panel's state filter: working (equipment on), moving, parked or offline. */
  function hasState(props, state) {
    if (state === 'offline') { return props.online === false; }
    if (props.online === false) { return false; }
    if (state === 'working') { return props.equipment_active === true; }
    return state === 'moving' ? isMoving(props) : !isMoving(props);
  }

  /* The marker: a disc in the kind's colour, a white arrow along the course when moving or a
     dot when standing; ring = equipment on; faded = offline. Built as DOM, not HTML text. */
  function iconElement(props) {
    var root = el('div', 'gd-vehicle');
    root.style.setProperty('--gd-colour', kinds[kindOf(props)].colour);
    root.style.setProperty('--gd-working', config.workingColour);
    root.style.setProperty('--gd-offline-opacity', config.offlineOpacity);
    if (props.equipment_active === true) { root.classList.add('gd-working'); }
    if (props.online === false) { root.classList.add('gd-offline'); }
    if (isStale(props)) { root.classList.add('gd-stale'); }
    root.setAttribute('data-vehicle-id', props.id);
    root.setAttribute('data-kind', kindOf(props));
    var svg = svgEl('svg', {viewBox: '0 0 28 28', width: 28, height: 28, 'aria-hidden': 'true'});
    svg.appendChild(svgEl('circle', {cx: 14, cy: 14, r: 11, 'class': 'gd-disc'}));
    if (isMoving(props)) {
      svg.appendChild(svgEl('path', {
        d: 'M14 5.5 L19.5 19.5 L14 16.2 L8.5 19.5 Z', 'class': 'gd-arrow',
        transform: 'rotate(' + (Number(props.course_deg) || 0) + ' 14 14)'
      }));
    } else {
      svg.appendChild(svgEl('circle', {cx: 14, cy: 14, r: 3.5, 'class': 'gd-arrow'}));
    }
    root.appendChild(svg);
    return root;
  }

  function iconKey(props) {
    return [kindOf(props), props.equipment_active, props.online, isMoving(props),
      Math.round(Number(props.course_deg) || 0), isStale(props)].join('|');
  }

  function makeIcon(props) {
    return L.divIcon({
      className: 'gd-vehicle-icon', html: iconElement(props),
      iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -14], tooltipAnchor: [0, -14]
    });
  }

  function formatTime(iso) {
    var t = Date.parse(iso);
    return isNaN(t) ? '—' : timeFmt.format(new Date(t)).replace(',', '');
  }

  function formatAge(iso) {
    var t = Date.parse(iso);
    if (isNaN(t)) { return ''; }
    var minutes = Math.floor((Date.now() - t) / 60000);
    if (minutes < 1) { return 'только что'; }
    if (minutes < 60) { return minutes + ' мин назад'; }
    if (minutes < 48 * 60) {
      return Math.floor(minutes / 60) + ' ч ' + (minutes % 60) + ' мин назад';
    }
    return Math.floor(minutes / 1440) + ' сут назад';
  }

  /* The server's words for the tool («отвал опущен»); generic ones if it sent none. */
  function equipmentText(p) {
    if (p.equipment_text) { return p.equipment_text; }
    if (p.equipment_active === true) { return 'работает'; }
    if (p.equipment_active === false) { return 'выключено'; }
    return 'нет данных';
  }

  function linkText(p) {
    return p.online === false ? 'нет связи' : (isStale(p) ? 'нет свежих отметок' : 'на линии');
  }

  function popupContent(layer) {
    var p = layer.feature.properties;
    var style = kinds[kindOf(p)];
    var box = el('div', 'gd-popup');
    var title = el('div', 'gd-popup-title');
    var swatch = el('span', 'gd-swatch');
    swatch.style.setProperty('--gd-colour', style.colour);
    title.appendChild(swatch);
    title.appendChild(el('span', null, p.name || ('№ ' + p.id)));
    box.appendChild(title);
    box.appendChild(el('div', 'gd-popup-kind', style.label + (p.plate ? ' · ' + p.plate : '')));
    var rows = [
      ['Скорость', Math.round(Number(p.speed_kmh) || 0) + ' км/ч' +
        (isMoving(p) ? ', курс ' + Math.round(Number(p.course_deg) || 0) + '°' : ', стоит')],
      ['Оборудование', equipmentText(p), {'data-equipment': String(p.equipment_active)}],
      ['Последняя отметка', formatTime(p.fix_time), {'data-fix-time': ''}],
      ['', formatAge(p.fix_time)],
      ['Связь', linkText(p), p.online === false ? {'class': 'gd-offline-text'} : null]
    ];
    if (p.contractor) { rows.push(['Подрядчик', p.contractor]); }
    if (p.terminals && p.terminals.length) { rows.push(['Терминал', p.terminals.join(', ')]); }
    box.appendChild(U.popupTable(rows));
    if (config.trackUrl) { box.appendChild(tracks.actions(layer, p)); }
    return box;
  }

  function tooltipContent(layer) {
    var p = layer.feature.properties;
    return el('span', null, (p.name || ('№ ' + p.id)) + ' · ' + kinds[kindOf(p)].label);
  }

  /* Routes each vehicle into its kind's cluster layer, so the layer control can hide a kind.
     It only has to look like a layer group to leaflet-realtime (addLayer/removeLayer); the
     groups themselves are on the map, so adding the router adds nothing. */

  /* It also applies the panel's filter: a filtered-out vehicle stays known but is not in its
     group, so it is not drawn. */
  var Router = L.Layer.extend({
    initialize: function () { this._all = {}; this.predicate = null; },
    onAdd: function () {},
    onRemove: function () {},
    groupFor: function (layer) {
      return groups[kindOf(layer.feature.properties)] || groups[config.fallbackKind];
    },
    passes: function (layer) {
      return !this.predicate || this.predicate(layer.feature.properties);
    },
    place: function (layer) {
      if (this.passes(layer)) { layer._gdGroup.addLayer(layer); }
      else { layer._gdGroup.removeLayer(layer); }
    },
    addLayer: function (layer) {
      layer._gdGroup = this.groupFor(layer);
      this._all[L.stamp(layer)] = layer;
      this.place(layer);
      return this;
    },
    removeLayer: function (layer) {
      if (layer) { delete this._all[L.stamp(layer)]; }
      if (layer && layer._gdGroup) { layer._gdGroup.removeLayer(layer); }
      return this;
    },
    filter: function (predicate) {
      var self = this;
      this.predicate = predicate || null;
      Object.keys(this._all).forEach(function (k) { self.place(self._all[k]); });
    },
    getBounds: function () {
      var bounds = L.latLngBounds([]);
      Object.keys(groups).forEach(function (k) {
        groups[k].eachLayer(function (l) { bounds.extend(l.getLatLng()); });
      });
      return bounds;
    }
  });
  var container = new Router();

  function zIndexFor(props) {
    return (props.online === false ? 0 : 500) + (props.equipment_active === true ? 250 : 0);
  }

  function pointToLayer(feature, latlng) {
    var marker = L.marker(latlng, {
      icon: makeIcon(feature.properties), riseOnHover: true,
      zIndexOffset: zIndexFor(feature.properties), keyboard: true
    });
    marker.feature = feature;
    marker._gdIconKey = iconKey(feature.properties);
    marker.bindPopup(popupContent, {className: 'gd-leaflet-popup', minWidth: 220, maxWidth: 320});
    marker.bindTooltip(tooltipContent, {direction: 'top', className: 'gd-tooltip'});
    // One label at a time: the hover tooltip gives way to the popup (Leaflet also opens
    // tooltips on click, after the popup's own click handler).
    marker.on('popupopen', function () { marker.closeTooltip(); });
    marker.on('tooltipopen', function () { if (marker.isPopupOpen()) { marker.closeTooltip(); } });
    return marker;
  }

  /* Called on every poll for a vehicle we already show: move it and restyle it only if
     something visible changed, so an open popup or a hover survives the update. */
  function updateFeature(feature, layer) {
    if (!layer) { return null; }
    if (!feature.geometry || feature.geometry.type !== 'Point') { return null; }
    var props = feature.properties;
    var oldKind = layer.feature && kindOf(layer.feature.properties);
    layer.feature = feature;
    if (oldKind !== kindOf(props) && layer._gdGroup) {
      container.removeLayer(layer);
      container.addLayer(layer);
    } else if (layer._gdGroup) {
      container.place(layer);
    }
    layer.setLatLng(L.GeoJSON.coordsToLatLng(feature.geometry.coordinates));
    var key = iconKey(props);
    if (key !== layer._gdIconKey) {
      layer._gdIconKey = key;
      layer.setIcon(makeIcon(props));
      layer.setZIndexOffset(zIndexFor(props));
    }
    if (layer.isPopupOpen()) { layer.getPopup().update(); }
    return layer;
  }

  function featureId(feature) { return feature.properties.id; }

  /* The shared API helper instead of leaflet-realtime's fetch: see fetchFeatures. */
  function source(success, error) {
    fetchFeatures(config.apiUrl).then(success, function (err) {
      error(err, P.problem(err));
    });
  }

  /* The vehicle panel (top left) never runs under the legend and scale (bottom left): it
     is as tall as the room between them allows, and scrolls; on a phone at most 60 % of the
     map, so a followed vehicle still shows below it. */
  function fitBetween(map, box, narrow) {
    var container = map.getContainer();
    var bottom = container.querySelector('.leaflet-bottom.leaflet-left');
    function fit() {
      var mapRect = container.getBoundingClientRect();
      var room = mapRect.height - (box.getBoundingClientRect().top - mapRect.top) -
        bottom.offsetHeight - 12;
      if (narrow) { room = Math.min(room, mapRect.height * 0.6); }
      box.style.maxHeight = Math.max(120, Math.floor(room)) + 'px';
    }
    if (window.ResizeObserver) {
      var observer = new window.ResizeObserver(fit);
      observer.observe(bottom);
      observer.observe(container);
    }
    fit();
  }

  /* Our controls: the vehicle panel top left, the legend (rendered by Python) with live
     counts and the poll status bottom left; both fold away, and start folded on a phone. */
  function attachPanel(map, realtime, legend, vehicleBox) {
    var narrow = window.matchMedia && window.matchMedia(config.narrowMedia).matches;
    function control(element, position) {
      var Box = L.Control.extend({
        options: {position: position},
        onAdd: function () {
          element.hidden = false;
          L.DomEvent.disableClickPropagation(element);
          L.DomEvent.disableScrollPropagation(element);
          return element;
        }
      });
      new Box().addTo(map);
      U.collapsible(element, narrow, narrow);
    }
    control(legend, 'bottomleft');
    P.scale(map, 'bottomleft');  // Russian units, Leaflet credit
    // The layer control is added after this runs; give it a fold of its own too.
    setTimeout(function () {
      var layers = map.getContainer().querySelector('.leaflet-control-layers');
      if (layers) { U.collapsibleLayers(layers, narrow); }
    }, 0);
    var panel = null;
    if (vehicleBox) {
      control(vehicleBox, 'topleft');
      fitBetween(map, vehicleBox, narrow);
      panel = vehiclePanel(vehicleBox, map, realtime, {
        config: config, kinds: kinds, kindOf: kindOf, hasState: hasState,
        isMoving: isMoving, equipmentText: equipmentText, linkText: linkText,
        formatAge: formatAge, container: container, changed: recount
      });
    }
    var status = legend.querySelector('[data-live-status]'), features = null;

    /* Counts and status over what the filter lets through, so they say what the map shows. */
    function recount() {
      if (!features) { return; }
      var total = 0, shown = 0, online = 0, working = 0, perKind = {};
      Object.keys(features).forEach(function (id) {
        var p = features[id].properties, k = kindOf(p);
        total += 1;
        if (container.predicate && !container.predicate(p)) { return; }
        perKind[k] = perKind[k] || {total: 0, online: 0};
        perKind[k].total += 1;
        shown += 1;
        if (p.online !== false) { online += 1; perKind[k].online += 1; }
        if (p.equipment_active === true) { working += 1; }
      });
      legend.querySelectorAll('[data-kind-count]').forEach(function (node) {
        var c = perKind[node.getAttribute('data-kind-count')];
        node.textContent = c ? c.online + ' / ' + c.total : '—';
      });
      var filter = panel ? panel.describe() : '';
      status.className = 'gd-status';
      status.textContent = 'Обновлено ' + clockFmt.format(new Date()) + ' · ' +
        (filter ? 'показано ' + shown + ' из ' + total : 'машин ' + total) +
        ', на линии ' + online + ', в работе ' + working + (filter ? ' · ' + filter : '');
    }
    realtime.on('update', function (e) {
      features = e.features;
      if (panel) { panel.update(features); }
      recount();
    });
    realtime.on('error', function (e) {
      status.className = 'gd-status gd-status-error';
      status.textContent = 'Нет данных с сервера: ' + (e.message || 'ошибка') + ', ' +
        clockFmt.format(new Date()) + '. Показано последнее известное положение.';
    });
  }

  return {
    source: source, pointToLayer: pointToLayer, updateFeature: updateFeature,
    featureId: featureId, container: container, attachPanel: attachPanel
  };
}

export {fleet as liveFleet};
