/*
 * glonass-dispatch: the city's public map (maps/pages/public_map.py renders the page).
 *
 * Starts itself on its legend (.gd-public-legend) with the settings of its data-config, whose
 * `layers` names the Folium groups it draws into: {routes, vehicles, marks: {layer: group}}.
 *
 * Draws one document (maps/api/public_layers.py): streets coloured by time since last service,
 * public marks with their layer's symbol, vehicles by kind where they were a while ago. The
 * served page polls config.dataUrl every config.refreshMs; the exported page gets the document
 * in config.data, since a page opened from disk may not fetch. Colours and Russian labels come
 * with the document and the config; texts are only ever set as text, never HTML.
 */
import * as P from './pages.js';
import {el, own} from './dom.js';
import './neutral_basemap.js';


function tip(title, rows) {
  var box = el('div', 'gd-public-tip');
  box.appendChild(el('b', null, title));
  rows.forEach(function (row) { if (row) { box.appendChild(el('div', null, row)); } });
  return box;
}

function latLngs(coordinates) {
  return coordinates.map(function (c) { return [c[1], c[0]]; });
}

function start(config, map, legend) {
  var marks = {};
  Object.keys(config.layers.marks).forEach(function (layer) {
    marks[layer] = P.foliumObject(config.layers.marks[layer]);
  });
  var groups = {routes: P.foliumObject(config.layers.routes),
                vehicles: P.foliumObject(config.layers.vehicles), marks: marks};
  P.scale(map, 'bottomleft');
  var panel = L.control({position: 'bottomright'});
  panel.onAdd = function () {
    legend.hidden = false;
    L.DomEvent.disableClickPropagation(legend);
    L.DomEvent.disableScrollPropagation(legend);
    return legend;
  };
  panel.addTo(map);
  var asOf = legend.querySelector('[data-as-of]'), status = legend.querySelector('[data-status]');
  var fitted = false;

  function drawRoutes(features) {
    groups.routes.clearLayers();
    features.forEach(function (f) {
      var p = f.properties || {}, points = latLngs(f.geometry.coordinates);
      L.polyline(points, {color: '#ffffff', weight: 9, opacity: 0.85, interactive: false})
        .addTo(groups.routes);
      var line = L.polyline(points, {color: p.colour, weight: 5, opacity: 0.95,
        dashArray: p.band === 'never' ? '2 7' : null, className: 'gd-public-route'});
      line.bindTooltip(tip(p.name, [p.treatment].concat(p.last_service
        ? ['последняя уборка ' + p.since + ' назад', p.last_service] : [config.never])),
        {sticky: true});
      line.addTo(groups.routes);
      line.getElement().setAttribute('data-band', p.band);
    });
  }

  function markIcon(layer) {
    var holder = el('div', 'gd-public-mark');
    holder.appendChild(P.symbolElement(layer.symbol, 26));
    return L.divIcon({className: 'gd-public-mark-icon', html: holder, iconSize: [26, 26],
      iconAnchor: [13, 13]});
  }

  function drawMarks(features) {
    Object.keys(groups.marks).forEach(function (k) { groups.marks[k].clearLayers(); });
    features.forEach(function (f) {
      var p = f.properties || {};
      if (!own(groups.marks, p.layer) || !own(config.markLayers, p.layer)) { return; }
      var layer = config.markLayers[p.layer], group = groups.marks[p.layer];
      var text = tip(layer.label, [p.status, p.text,
        p.valid_to ? 'действует до ' + p.valid_to : null]);
      var g = f.geometry, at;
      if (g.type === 'Point') {
        at = [g.coordinates[1], g.coordinates[0]];
      } else {
        var points = latLngs(g.type === 'Polygon' ? g.coordinates[0] : g.coordinates);
        var shape = g.type === 'Polygon' ? L.polygon(points, {color: layer.colour, weight: 2,
          dashArray: '5 4', fillOpacity: 0.08}) : L.polyline(points, {color: layer.colour,
          weight: 4});
        shape.bindTooltip(text, {sticky: true}).addTo(group);
        at = shape.getBounds().getCenter();
      }
      var marker = L.marker(at, {icon: markIcon(layer), keyboard: false});
      marker.bindTooltip(text).addTo(group);
      marker.getElement().setAttribute('data-mark-layer', p.layer);
    });
  }

  function drawVehicles(features, when) {
    groups.vehicles.clearLayers();
    features.forEach(function (f) {
      var p = f.properties || {}, c = f.geometry.coordinates;
      var kind = own(config.kinds, p.kind) ? config.kinds[p.kind] : config.kinds.other;
      var dot = L.circleMarker([c[1], c[0]], {radius: 6, color: '#ffffff', weight: 2,
        fillColor: kind.colour, fillOpacity: 0.95, className: 'gd-public-vehicle'});
      dot.bindTooltip(tip(kind.label, ['положение на ' + when])).addTo(groups.vehicles);
      dot.getElement().setAttribute('data-kind', p.kind);
    });
  }

  function draw(doc) {
    drawRoutes(doc.routes.features);
    drawMarks(doc.marks.features);
    drawVehicles(doc.vehicles.features, doc.vehicles_as_of);
    asOf.textContent = doc.as_of;
    status.hidden = true;
    if (!fitted && doc.routes.features.length) {
      map.fitBounds(groups.routes.getBounds(), {padding: [24, 24], animate: false});
      fitted = true;
    }
    legend.setAttribute('data-ready', '');
  }

  function poll() {
    P.getJSON(config.dataUrl).then(draw, function (err) {
      status.textContent = 'Данные не обновились: ' + (err.message || err) +
        '. Повторим через минуту.';
      status.hidden = false;
    }).then(function () { window.setTimeout(poll, config.refreshMs); });
  }

  if (config.data) { draw(config.data); } else { poll(); }
  return {draw: draw};
}

P.startMapPanel('.gd-public-legend', start);
