/*
 * glonass-dispatch: the dispatcher's live map in the browser.
 *
 * maps/pages/live_map.py renders a folium page with hidden markers (each data-map names the map)
 * that this file turns into the live layers once the page is parsed:
 *   data-live-fleet      the vehicles (live_fleet.js), polled by a Leaflet.Realtime layer made
 *                        here, routed into the per-kind cluster layers the config names
 *   data-live-context    clearing routes and marks (live_context.js) into the named groups
 *   data-live-panel      the legend and the vehicle panel both of those fill in
 *   data-live-transit    the storm's buses on uncleared streets (transit_layer.js), offered in
 *                        the named layer control
 * Vehicles come every few seconds; routes and marks (the context a dispatcher reads them
 * against) change rarely and are refreshed on their own slower clock.
 *
 * This module is the page's entry (maps/pages/live_layers.py links it) and holds the wiring; the
 * rest is in modules it imports:
 *   live_map_util.js   shared helpers (DOM nodes, fetching GeoJSON, line geometry, popups,
 *                      boxes that fold)
 *   live_vehicle_panel.js  search, filters, the vehicle card and following
 *   live_fleet.js      the vehicles: markers, clusters, popups, tracks, live counts
 *   live_context.js    clearing routes and marks under the vehicles
 *   neutral_basemap.js with no tile layer, the faint grid
 *   alerts_badge.js    the bar's count of unacknowledged alerts
 * Colours and labels come from maps/styles.py through `config`, so these files hold behaviour
 * only. Names and texts come from the database and terminals: they are only ever set as text,
 * never HTML.
 */
import * as P from './pages.js';
import {liveFleet} from './live_fleet.js';
import {liveContext} from './live_context.js';
import * as transitLayer from './transit_layer.js';
import './neutral_basemap.js';
import './alerts_badge.js';

/* The settings of the one marker carrying `attribute`, and the map it names (null: none). */
function marked(attribute) {
  var marker = document.querySelector('[' + attribute + ']');
  return marker && {config: JSON.parse(marker.getAttribute(attribute)),
                    map: P.foliumObject(marker.dataset.map)};
}

/* remove_missing: the API lists offline vehicles too (online=false), so a vehicle missing
   from a full snapshot was removed from the fleet and must leave the map. */
function startFleet(map, config) {
  var groups = {};
  Object.keys(config.groups).forEach(function (kind) {
    groups[kind] = P.foliumObject(config.groups[kind]);
  });
  var vehicles = liveFleet(config, groups);
  var realtime = L.realtime(vehicles.source, {
    interval: config.pollMs, getFeatureId: vehicles.featureId,
    updateFeature: vehicles.updateFeature, removeMissing: true,
    container: vehicles.container, pointToLayer: vehicles.pointToLayer
  });
  map.addLayer(realtime._container);
  return {vehicles: vehicles, realtime: realtime};
}

function startContext(map, config) {
  return liveContext(config, map, {
    routes: config.layers.routes && P.foliumObject(config.layers.routes),
    marks: config.layers.marks && P.foliumObject(config.layers.marks)
  });
}

P.onReady(function () {
  var fleetMarker = marked('data-live-fleet');
  var fleet = fleetMarker && startFleet(fleetMarker.map, fleetMarker.config);
  var contextMarker = marked('data-live-context');
  var context = contextMarker && startContext(contextMarker.map, contextMarker.config);
  var panel = marked('data-live-panel');
  if (panel && fleet) {
    var legend = document.getElementById(panel.config.legend);
    fleet.vehicles.attachPanel(fleetMarker.map, fleet.realtime, legend,
                               document.getElementById(panel.config.vehicles));
    if (context) { context.attachPanel(legend); }
  }
  var transit = marked('data-live-transit');
  if (transit) {
    transitLayer.live(transit.config, transit.map, P.foliumObject(transit.config.control));
  }
});
