/*
 * glonass-dispatch: marks on the live map (road state, broken elevators, flooded basements and
 * the other mark layers), for live_context.js.
 *
 *   var marks = markDrawing(config, {pane, crs, formatTime});
 *   marks.layer(feature)        // the feature's Leaflet layer with popup and tooltip, or null
 *   marks.isActive(props, now)  // open and inside its validity window
 *
 * config is the live context's (markLayers, fallbackMarkLayer, markStatuses, visibility from
 * maps/styles.py); texts are only ever set as text, never HTML.
 */
import {
  el, own, parseTime, lineParts, longestPart, symbolElement, popupTable, closeTooltipUnderPopup
} from './live_map_util.js';

function markDrawing(config, options) {
  function markStyleOf(p) {
    return own(config.markLayers, p.layer) ? config.markLayers[p.layer]
      : config.fallbackMarkLayer;
  }

  function markLabel(p) {
    return own(config.markLayers, p.layer) ? config.markLayers[p.layer].label
      : config.fallbackMarkLayer.label + (p.layer ? ' (' + p.layer + ')' : '');
  }

  function statusLabel(p) {
    return own(config.markStatuses, p.status) ? config.markStatuses[p.status]
      : (p.status ? String(p.status) : '—');
  }

  /* Open and in progress, and inside its validity window: what a dispatcher acts on. */
  function isActive(p, now) {
    if (p.status === 'resolved') { return false; }
    var from = parseTime(p.valid_from), to = parseTime(p.valid_to);
    return (from === null || from <= now) && (to === null || to >= now);
  }

  function validityText(p) {
    var from = parseTime(p.valid_from), to = parseTime(p.valid_to), now = Date.now();
    var text;
    if (from === null && to === null) { return 'бессрочно'; }
    if (from !== null && to !== null) {
      text = 'с ' + options.formatTime(from) + ' до ' + options.formatTime(to);
    } else if (from !== null) {
      text = 'с ' + options.formatTime(from) + ', бессрочно';
    } else {
      text = 'до ' + options.formatTime(to);
    }
    if (to !== null && to < now) { text += ' (срок истёк)'; }
    else if (from !== null && from > now) { text += ' (ещё не наступил)'; }
    return text;
  }

  function markPopup(p) {
    var style = markStyleOf(p);
    var box = el('div', 'gd-popup gd-mark-popup');
    var title = el('div', 'gd-popup-title');
    title.appendChild(symbolElement(style.symbol, 18));
    title.appendChild(el('span', null, markLabel(p)));
    box.appendChild(title);
    if (p.text) { box.appendChild(el('div', 'gd-mark-text', p.text)); }
    var status = String(p.status || '').replace(/[^a-z_]/g, '');
    var rows = [
      ['Статус', statusLabel(p), {'class': 'gd-mark-status gd-mark-status-' + status}],
      ['Действует', validityText(p)],
      ['Видимость', p.public === true ? config.visibility.public : config.visibility.internal]
    ];
    if (p.address) { rows.push(['Адрес', p.address]); }
    var updated = parseTime(p.updated_at);
    if (updated !== null) { rows.push(['Обновлена', options.formatTime(updated)]); }
    box.appendChild(popupTable(rows));
    return box;
  }

  function markIcon(p, style, active) {
    var root = el('div', 'gd-mark' + (active ? '' : ' gd-mark-inactive'));
    root.setAttribute('data-mark-id', String(p.id));
    root.setAttribute('data-mark-layer', String(p.layer));
    root.setAttribute('role', 'img');
    root.setAttribute('aria-label', markLabel(p) + ', ' + statusLabel(p));
    root.appendChild(symbolElement(style.symbol, 24));
    return L.divIcon({className: 'gd-mark-icon', html: root, iconSize: [24, 24],
      iconAnchor: [12, 12], popupAnchor: [0, -12], tooltipAnchor: [0, -12]});
  }

  /* A point mark is its symbol; a stretch of road is a translucent band in the layer's
     colour with the symbol at its middle; an area is a light dashed outline with the symbol
     at its centre. Resolved or out-of-window marks are faded. */
  function markLayer(feature) {
    var p = feature.properties || {}, g = feature.geometry;
    if (!g) { return null; }
    var style = markStyleOf(p), active = isActive(p, Date.now());
    var layer = L.featureGroup(), anchor = null;
    if (g.type === 'Point') {
      anchor = L.GeoJSON.coordsToLatLng(g.coordinates);
    } else {
      var parts = lineParts(g), shapes;
      if (parts) {
        shapes = [L.polyline(parts, {
          pane: options.pane, color: style.colour, weight: 10, opacity: active ? 0.4 : 0.18,
          lineCap: 'round', lineJoin: 'round', className: 'gd-mark-line'
        })];
      } else {
        // Unpacked rather than nested: Leaflet 1.9.3's tooltip code expects the group's
        // members to be single layers.
        shapes = L.geoJSON(g, {pane: options.pane, style: function () {
          return {color: style.colour, weight: 1.5, dashArray: '5 4', fillColor: style.colour,
            fillOpacity: active ? 0.12 : 0.05, opacity: active ? 0.9 : 0.4,
            className: 'gd-mark-area'};
        }}).getLayers();
      }
      if (!shapes.length) { return null; }
      var bounds = L.latLngBounds([]);
      shapes.forEach(function (shape) {
        layer.addLayer(shape);
        bounds.extend(shape.getBounds());
      });
      var longest = parts ? longestPart(options.crs, parts) : null;
      anchor = longest ? longest.at(0.5).latlng : bounds.getCenter();
    }
    layer.addLayer(L.marker(anchor, {icon: markIcon(p, style, active), pane: options.pane,
      zIndexOffset: active ? 0 : -1000, riseOnHover: true, keyboard: true}));
    layer.bindPopup(function () { return markPopup(p); },
      {className: 'gd-leaflet-popup', minWidth: 240, maxWidth: 340});
    layer.bindTooltip(function () {
      return el('span', null, markLabel(p) + ' · ' + statusLabel(p));
    }, {direction: 'top', className: 'gd-tooltip'});
    closeTooltipUnderPopup(layer);
    return layer;
  }

  return {layer: markLayer, isActive: isActive};
}

export {markDrawing};
