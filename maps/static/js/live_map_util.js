/*
 * glonass-dispatch: small helpers the live map's scripts share (loaded first of them,
 * after dom.js, whose helpers it passes on).
 *
 *   import * as U from './live_map_util.js';
 *   U.el(tag, className, text) / U.svgEl(tag, attrs)   // DOM and SVG nodes, text set as text
 *   U.fetchFeatures(url)   // Promise of a GeoJSON FeatureCollection, through pages.js's getJSON
 *   U.own(obj, key) / U.parseTime(iso)                 // table look-ups, ISO times as ms or null
 *   U.lineParts(geometry) / U.measure(crs, latlngs) / U.longestPart(crs, parts)
 *   U.symbolElement(symbol, size) / U.lineSwatch(colour, weight, dashed) / U.popupTable(rows)
 *   U.closeTooltipUnderPopup(layer)   // one label at a time: no hover tooltip over a popup
 *   U.collapsible(box, collapsed, alone) / U.collapsibleLayers(layerControl, narrow)  // folds
 *
 * popupTable(rows): rows of [label, value, attributes]; the value is text or a node, the optional
 * attributes ({class: …, 'data-…': …}) go on its cell.
 *
 * Imported by live_fleet.js, live_context.js and live_vehicle_panel.js. They hold no page state and read no config; texts are only ever set as text, never HTML.
 */
import {el, svgEl, own, symbolElement} from './dom.js';
import {getJSON} from './pages.js';

/* GET a GeoJSON FeatureCollection with the API helper every page shares (pages.js): it
   revalidates with the server (ETag) rather than defeating caches, and rejects on an HTTP
   error with the status (pages.js problem() says it in Russian). */
function fetchFeatures(url) {
  return getJSON(url).then(function (data) {
    if (!data || !Array.isArray(data.features)) { throw new Error('ответ без списка объектов'); }
    return data;
  });
}

function parseTime(iso) {
  if (iso === null || iso === undefined || iso === '') { return null; }
  var t = Date.parse(iso);
  return isNaN(t) ? null : t;
}

/* Lines as lists of parts (a LineString is one part), or null for other geometry. */
function lineParts(geometry) {
  if (!geometry) { return null; }
  if (geometry.type === 'LineString') {
    return [L.GeoJSON.coordsToLatLngs(geometry.coordinates, 0)];
  }
  if (geometry.type === 'MultiLineString') {
    return L.GeoJSON.coordsToLatLngs(geometry.coordinates, 1);
  }
  return null;
}

/* Length of a line and a point at a fraction of it, with the heading there (degrees,
   clockwise from east, as CSS rotates). Measured on the map's plane: Web Mercator is
   conformal, so the heading is the one drawn at every zoom. */
function measure(crs, latlngs) {
  var pts = latlngs.map(function (ll) { return crs.project(ll); });
  var lengths = [], total = 0;
  for (var i = 1; i < pts.length; i += 1) {
    var d = pts[i].distanceTo(pts[i - 1]);
    lengths.push(d);
    total += d;
  }
  function at(fraction) {
    var target = total * fraction;
    for (var j = 0; j < lengths.length; j += 1) {
      if (target <= lengths[j] || j === lengths.length - 1) {
        var a = pts[j], b = pts[j + 1], t = lengths[j] ? Math.min(1, target / lengths[j]) : 0;
        var p = L.point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
        // projected y grows northwards, screen y southwards
        var angle = Math.atan2(-(b.y - a.y), b.x - a.x) * 180 / Math.PI;
        return {latlng: crs.unproject(p), angle: angle};
      }
      target -= lengths[j];
    }
    return {latlng: latlngs[0], angle: 0};
  }
  return {length: total, at: at};
}

function longestPart(crs, parts) {
  var best = null, bestLength = -1;
  parts.forEach(function (part) {
    if (part.length < 2) { return; }
    var m = measure(crs, part);
    if (m.length > bestLength) { best = m; bestLength = m.length; }
  });
  return best;
}

function lineSwatch(colour, weight, dashed) {
  var svg = svgEl('svg', {viewBox: '0 0 24 10', width: 24, height: 10,
    'class': 'gd-line-swatch', 'aria-hidden': 'true'});
  svg.appendChild(svgEl('path', {d: 'M2 5H22', stroke: '#fff', 'stroke-width': weight + 3,
    'stroke-linecap': 'round'}));
  var line = {d: 'M2 5H22', stroke: colour, 'stroke-width': weight, 'stroke-linecap': 'round'};
  if (dashed) { line['stroke-dasharray'] = '5 3'; line['stroke-linecap'] = 'butt'; }
  svg.appendChild(svgEl('path', line));
  return svg;
}

function popupTable(rows) {
  var table = el('table', 'gd-popup-table');
  rows.forEach(function (row) {
    var tr = el('tr'), value = row[1], attributes = row[2] || {};
    tr.appendChild(el('th', null, row[0]));
    var td = el('td', null, value instanceof Node ? null : value);
    if (value instanceof Node) { td.appendChild(value); }
    Object.keys(attributes).forEach(function (k) { td.setAttribute(k, attributes[k]); });
    tr.appendChild(td);
    table.appendChild(tr);
  });
  return table;
}

/* One label at a time, as for vehicles: Leaflet opens the hover tooltip on click too, after
   the popup, so it is closed whenever the popup is open. */
function closeTooltipUnderPopup(layer) {
  layer.on('popupopen', function () { layer.closeTooltip(); });
  layer.on('tooltipopen', function () { if (layer.isPopupOpen()) { layer.closeTooltip(); } });
}

/* A box whose [data-box-toggle] button folds its [data-box-body] away and back. With
   `alone` (a phone's screen), unfolding it folds the map's other boxes, so they never pile
   up over each other and the map. */
function collapsible(box, collapsed, alone) {
  var button = box.querySelector('[data-box-toggle]');
  function set(folded) {
    box.classList.toggle('gd-collapsed', folded);
    button.setAttribute('aria-expanded', String(!folded));
  }
  button.addEventListener('click', function () {
    var folded = !box.classList.contains('gd-collapsed');
    if (!folded && alone) {
      var container = box.closest('.leaflet-container');
      container.querySelectorAll('.gd-box:not(.gd-collapsed) [data-box-toggle]')
        .forEach(function (other) { if (other !== button) { other.click(); } });
    }
    set(folded);
  });
  set(collapsed);
}

/* Leaflet's layer control, kept open, with a «Слои» button that folds its list. */
function collapsibleLayers(container, collapsed) {
  var button = el('button', 'gd-box-toggle', 'Слои');
  button.type = 'button';
  button.setAttribute('data-box-toggle', '');
  var list = container.querySelector('.leaflet-control-layers-list');
  list.setAttribute('data-box-body', '');
  container.insertBefore(button, container.firstChild);
  container.classList.add('gd-box');
  collapsible(container, collapsed, collapsed);
}

export {
  collapsible, collapsibleLayers, el, svgEl, fetchFeatures, own, parseTime, lineParts,
  measure, longestPart, symbolElement, lineSwatch, popupTable, closeTooltipUnderPopup
};
