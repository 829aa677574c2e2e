/*
 * glonass-dispatch: vehicles on the dispatcher's live map.
 *
 * maps/live_map.py renders a folium page whose Realtime layer calls into this file:
 *   var fleet = GlonassLiveMap.fleet(config, {plow: featureGroup, ...});
 *   L.realtime(fleet.source, {pointToLayer: fleet.pointToLayer,
 *                             updateFeature: fleet.updateFeature,
 *                             container: fleet.container, ...});
 *   fleet.attachPanel(map, realtime, panelElement);
 * Colours and labels come from maps/styles.py through `config`, so this file holds behaviour only.
 * Vehicle names come from the database and terminals: they are only ever set as text, never HTML.
 */
(function (global) {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var MOVING_KMH = 1;  // below this a fix is "standing": GNSS noise makes 0 rare

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  function fleet(config, groups) {
    var kinds = config.kinds;
    var timeFmt = new Intl.DateTimeFormat('ru-RU', {
      timeZone: config.timeZone, day: '2-digit', month: '2-digit', year: 'numeric',
      hour: '2-digit', minute: '2-digit', second: '2-digit'
    });
    var clockFmt = new Intl.DateTimeFormat('ru-RU', {
      timeZone: config.timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit'
    });

    function kindOf(props) {
      return Object.prototype.hasOwnProperty.call(kinds, props.kind) ? props.kind
        : config.fallbackKind;
    }

    function isMoving(props) { return Number(props.speed_kmh) >= MOVING_KMH; }

    /* The marker: a disc in the kind's colour, a white arrow along the course when moving or a
       dot when standing; ring = equipment on; faded = offline. Built as DOM, not HTML text. */
    function iconElement(props) {
      var root = el('div', 'gd-vehicle');
      root.style.setProperty('--gd-colour', kinds[kindOf(props)].colour);
      root.style.setProperty('--gd-working', config.workingColour);
      root.style.setProperty('--gd-offline-opacity', config.offlineOpacity);
      if (props.equipment_active === true) { root.classList.add('gd-working'); }
      if (props.online === false) { root.classList.add('gd-offline'); }
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
        Math.round(Number(props.course_deg) || 0)].join('|');
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

    function equipmentText(active) {
      if (active === true) { return 'работает'; }
      if (active === false) { return 'выключено'; }
      return 'нет данных';
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
        ['Оборудование', equipmentText(p.equipment_active)],
        ['Последняя отметка', formatTime(p.fix_time)],
        ['', formatAge(p.fix_time)],
        ['Связь', p.online === false ? 'нет связи' : 'на линии']
      ];
      if (p.contractor) { rows.push(['Подрядчик', p.contractor]); }
      if (p.terminals && p.terminals.length) { rows.push(['Терминал', p.terminals.join(', ')]); }
      var table = el('table', 'gd-popup-table');
      rows.forEach(function (row) {
        var tr = el('tr');
        tr.appendChild(el('th', null, row[0]));
        var td = el('td', null, row[1]);
        if (row[0] === 'Оборудование') { td.setAttribute('data-equipment', String(p.equipment_active)); }
        if (row[0] === 'Последняя отметка') { td.setAttribute('data-fix-time', ''); }
        if (row[0] === 'Связь' && p.online === false) { td.className = 'gd-offline-text'; }
        tr.appendChild(td);
        table.appendChild(tr);
      });
      box.appendChild(table);
      return box;
    }

    function tooltipContent(layer) {
      var p = layer.feature.properties;
      return el('span', null, (p.name || ('№ ' + p.id)) + ' · ' + kinds[kindOf(p)].label);
    }

    /* Routes each vehicle into its kind's FeatureGroup, so the layer control can hide a kind.
       It only has to look like a layer group to leaflet-realtime (addLayer/removeLayer); the
       groups themselves are on the map, so adding the router adds nothing. */
    var Router = L.Layer.extend({
      onAdd: function () {},
      onRemove: function () {},
      groupFor: function (layer) {
        return groups[kindOf(layer.feature.properties)] || groups[config.fallbackKind];
      },
      addLayer: function (layer) {
        layer._gdGroup = this.groupFor(layer);
        layer._gdGroup.addLayer(layer);
        return this;
      },
      removeLayer: function (layer) {
        if (layer && layer._gdGroup) { layer._gdGroup.removeLayer(layer); }
        return this;
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

    /* Our own fetch instead of leaflet-realtime's: it revalidates with the server (ETag) rather
       than defeating caches with a timestamp, and treats an HTTP error as an error. */
    function source(success, error) {
      fetch(config.apiUrl, {
        cache: 'no-cache', credentials: 'same-origin',
        headers: {Accept: 'application/geo+json, application/json'}
      }).then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      }).then(function (data) {
        if (!data || !Array.isArray(data.features)) { throw new Error('ответ без features'); }
        success(data);
      }).catch(function (err) { error(err, String(err && err.message || err)); });
    }

    /* The bottom-left panel: legend (rendered by Python) plus live counts and the poll status. */
    function attachPanel(map, realtime, panel) {
      var Panel = L.Control.extend({
        options: {position: 'bottomleft'},
        onAdd: function () {
          panel.hidden = false;
          L.DomEvent.disableClickPropagation(panel);
          L.DomEvent.disableScrollPropagation(panel);
          return panel;
        }
      });
      new Panel().addTo(map);
      L.control.scale({imperial: false, position: 'bottomleft'}).addTo(map);
      // Leaflet credit without the flag icon its default prefix carries.
      if (map.attributionControl) {
        map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      }
      var status = panel.querySelector('[data-live-status]');

      realtime.on('update', function (e) {
        var total = 0, online = 0, working = 0, perKind = {};
        Object.keys(e.features).forEach(function (id) {
          var p = e.features[id].properties, k = kindOf(p);
          perKind[k] = perKind[k] || {total: 0, online: 0};
          perKind[k].total += 1;
          total += 1;
          if (p.online !== false) { online += 1; perKind[k].online += 1; }
          if (p.equipment_active === true) { working += 1; }
        });
        panel.querySelectorAll('[data-kind-count]').forEach(function (node) {
          var c = perKind[node.getAttribute('data-kind-count')];
          node.textContent = c ? c.online + ' / ' + c.total : '—';
        });
        status.className = 'gd-status';
        status.textContent = 'Обновлено ' + clockFmt.format(new Date()) + ' · машин ' + total +
          ', на линии ' + online + ', в работе ' + working;
      });
      realtime.on('error', function (e) {
        status.className = 'gd-status gd-status-error';
        status.textContent = 'Нет данных с сервера (' + (e.message || 'ошибка') + '), ' +
          clockFmt.format(new Date()) + '. Показано последнее известное положение.';
      });
    }

    return {
      source: source, pointToLayer: pointToLayer, updateFeature: updateFeature,
      featureId: featureId, container: container, attachPanel: attachPanel
    };
  }

  global.GlonassLiveMap = {fleet: fleet};
}(window));
