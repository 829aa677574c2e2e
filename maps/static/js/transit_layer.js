/*
 * glonass-dispatch: bus lines on uncleared streets and the buses on them now, as drawn from
 * GET /api/storms/{id}/transit on the storm screen (storm_room.js) and on the live map.
 *
 *   draw(group, doc, config)   redraws the Leaflet layer group from doc;
 *                              config: {transitColour, states}
 *   openStorm(storms, T)       the first storm whose window is open now
 *   live(config, map, control) the live map's layer: offered in the layer
 *                              control (off) only while a storm is open
 */
import * as P from './pages.js';
import * as F from './formats.js';
import {el} from './dom.js';

var LAYER_NAME = 'Автобусы на неубранных улицах';

/* A tooltip of text lines, built as nodes: the names come from the registry as typed. */
function lines(texts) {
  var box = el('div');
  texts.forEach(function (text, i) {
    if (i) { box.appendChild(el('br')); }
    box.appendChild(document.createTextNode(text));
  });
  return box;
}

function draw(group, doc, config) {
  group.clearLayers();
  doc.features.forEach(function (f) {
    var p = f.properties, exposed = p.uncleared_m > 0;
    var line = L.polyline(f.geometry.coordinates.map(function (c) { return [c[1], c[0]]; }), {
      color: config.transitColour, weight: exposed ? 3 : 2, dashArray: '4 6',
      opacity: exposed ? 0.95 : 0.5, className: 'gd-transit-line'
    });
    line.bindTooltip(lines(['Автобус № ' + p.number + ' ' + p.name,
      'По неубранным улицам: ' + F.km(p.uncleared_m)]), {sticky: true});
    group.addLayer(line);
  });
  doc.buses.forEach(function (b) {
    var marker = L.circleMarker([b.lat, b.lon], {radius: 6, color: '#fff', weight: 2,
      fillColor: config.transitColour, fillOpacity: 1, className: 'gd-transit-bus'});
    var state = P.own(config.states, b.stretch.state) ? config.states[b.stretch.state].label
      : b.stretch.state;
    marker.bindTooltip(lines([b.name + (b.line ? ', маршрут № ' + b.line : ''),
      b.stretch.route + ': ' + state]));
    group.addLayer(marker);
  });
}

function openStorm(storms, T) {
  var now = Date.now();
  return storms.filter(function (s) {
    return T.ms(s.started_at) <= now && (!s.closed_at || T.ms(s.closed_at) > now);
  })[0] || null;
}

function live(config, map, control) {
  var T = F.time(config.timeZone);
  var group = L.featureGroup();
  var offered = false;

  function refresh() {
    P.getJSON(config.stormsUrl).then(function (storms) {
      var storm = openStorm(storms, T);
      if (!storm) {
        if (offered) { control.removeLayer(group); group.remove(); offered = false; }
        return;
      }
      if (!offered) { control.addOverlay(group, LAYER_NAME); offered = true; }
      if (!map.hasLayer(group)) { return; }
      return P.getJSON(config.stormsUrl + '/' + storm.id + '/transit').then(function (doc) {
        draw(group, doc, config);
      });
    }).catch(function () { group.clearLayers(); });
  }

  map.on('overlayadd', function (e) { if (e.layer === group) { refresh(); } });
  refresh();
  window.setInterval(refresh, config.refreshS * 1000);
  return group;
}

export {draw, openStorm, live};
