/*
 * glonass-dispatch: the live map's vehicles (live_map.js publishes this as GlonassLiveMap.fleet).
 *
 *   var fleet = GlonassLiveFleet(config, {plow: featureGroup, ...});
 *   L.realtime(fleet.source, {pointToLayer: fleet.pointToLayer,
 *                             updateFeature: fleet.updateFeature,
 *                             container: fleet.container, ...});
 *   fleet.attachPanel(map, realtime, panelElement);
 *
 * Polls GET /api/vehicles every few seconds and draws each vehicle as a marker in its kind's
 * feature group: popup (with the last hour's track, drawn by track.js), tooltip, contractor
 * filter, live counts and poll status in the bottom-left panel. Needs live_map_util.js loaded
 * before it. Colours and labels come from maps/styles.py through `config`; names and texts
 * from the database and terminals are only ever set as text, never HTML.
 */
(function (global) {
  'use strict';

  var U = global.GlonassLiveMapUtil, el = U.el, svgEl = U.svgEl, fetchFeatures = U.fetchFeatures;
  var MOVING_KMH = 1;  // below this a fix is "standing": GNSS noise makes 0 rare

  /* Leaflet's scale bar with Russian units (its own says "m" and "km"). */
  var RussianScale = L.Control.Scale.extend({
    _updateMetric: function (maxMeters) {
      var meters = this._getRoundNum(maxMeters);
      var label = meters < 1000 ? meters + ' м' : (meters / 1000) + ' км';
      this._updateScale(this._mScale, label, meters / maxMeters);
    }
  });

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
        ['Связь', p.online === false ? 'нет связи'
          : (isStale(p) ? 'нет свежих отметок' : 'на линии')]
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
      if (config.trackUrl) { box.appendChild(trackActions(layer, p)); }
      return box;
    }

    /* --- the last hour's track, from the popup --- */

    var track = {group: null, id: null, note: {}};

    function trackActions(layer, p) {
      var actions = el('div', 'gd-popup-actions');
      var shown = track.id === String(p.id);
      var button = el('button', 'gd-popup-button', shown ? 'Скрыть трек' : 'Трек за последний час');
      button.type = 'button';
      button.setAttribute('data-track-button', String(p.id));
      button.addEventListener('click', function () { toggleTrack(layer, p, button); });
      actions.appendChild(button);
      if (config.playbackUrl) {
        var link = el('a', 'gd-popup-link', 'в проигрыватель');
        var now = Date.now();
        link.href = config.playbackUrl + '?vehicle=' + encodeURIComponent(p.id) + '&from=' +
          encodeURIComponent(new Date(now - 3600000).toISOString()) + '&to=' +
          encodeURIComponent(new Date(now).toISOString());
        actions.appendChild(link);
      }
      var note = el('div', 'gd-popup-note', shown ? track.note[String(p.id)] || '' : '');
      note.setAttribute('data-track-note', '');
      actions.appendChild(note);
      return actions;
    }

    function clearTrack() {
      if (track.group) { track.group.clearLayers(); }
      track.id = null;
    }

    function toggleTrack(layer, p, button) {
      var map = layer._map, id = String(p.id);
      if (!map || !global.GlonassTrack) { return; }
      var note = button.parentNode.querySelector('[data-track-note]');
      if (track.id === id) {
        clearTrack();
        button.textContent = 'Трек за последний час';
        note.textContent = '';
        return;
      }
      if (!track.group) { track.group = L.featureGroup().addTo(map); }
      var now = Date.now();
      var url = config.trackUrl.replace('{id}', encodeURIComponent(id)) + '?from=' +
        encodeURIComponent(new Date(now - 3600000).toISOString()) + '&to=' +
        encodeURIComponent(new Date(now).toISOString());
      button.disabled = true;
      note.textContent = 'Загрузка трека…';
      fetchFeatures(url).then(function (data) {
        clearTrack();
        var drawn = global.GlonassTrack.draw(track.group, data, {colour: kinds[kindOf(p)].colour,
          clock: function (t) { return clockFmt.format(new Date(t)); }});
        track.id = id;
        track.note[id] = drawn.fixes.length ? 'За час: отметок ' + drawn.fixes.length + ', ' +
          (drawn.lengthM / 1000).toFixed(1).replace('.', ',') + ' км' +
          (drawn.gaps.length ? ', разрывов в данных ' + drawn.gaps.length : '')
          : 'За последний час отметок нет';
        note.textContent = track.note[id];
        button.textContent = 'Скрыть трек';
        if (drawn.fixes.length && !map.getBounds().contains(drawn.bounds)) {
          map.fitBounds(drawn.bounds.extend(layer.getLatLng()), {padding: [40, 40],
            maxZoom: map.getZoom()});
        }
      }, function (err) {
        note.textContent = 'Трек не загрузился: ' + (err && err.message || err);
      }).then(function () { button.disabled = false; });
    }

    function tooltipContent(layer) {
      var p = layer.feature.properties;
      return el('span', null, (p.name || ('№ ' + p.id)) + ' · ' + kinds[kindOf(p)].label);
    }

    /* Routes each vehicle into its kind's FeatureGroup, so the layer control can hide a kind.
       It only has to look like a layer group to leaflet-realtime (addLayer/removeLayer); the
       groups themselves are on the map, so adding the router adds nothing. */
    var NO_CONTRACTOR = '\u0000';
    function contractorOf(props) { return props.contractor ? String(props.contractor) : NO_CONTRACTOR; }

    /* It also applies the contractor filter: a filtered-out vehicle stays known (and counted)
       but is not in its group, so it is not drawn. */
    var Router = L.Layer.extend({
      initialize: function () { this._all = {}; this.contractor = ''; },
      onAdd: function () {},
      onRemove: function () {},
      groupFor: function (layer) {
        return groups[kindOf(layer.feature.properties)] || groups[config.fallbackKind];
      },
      passes: function (layer) {
        return !this.contractor || contractorOf(layer.feature.properties) === this.contractor;
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
      filter: function (contractor) {
        var self = this;
        this.contractor = contractor || '';
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

    /* Our own fetch instead of leaflet-realtime's: see fetchFeatures (live_map_util.js). */
    function source(success, error) {
      fetchFeatures(config.apiUrl).then(success, function (err) {
        error(err, String(err && err.message || err));
      });
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
      new RussianScale({imperial: false, position: 'bottomleft'}).addTo(map);
      // Leaflet credit without the flag icon its default prefix carries.
      if (map.attributionControl) {
        map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      }
      var status = panel.querySelector('[data-live-status]');
      var filterRow = panel.querySelector('[data-contractor-filter-row]');
      var filterSelect = panel.querySelector('[data-contractor-filter]');
      var knownContractors = '';
      if (filterSelect) {
        filterSelect.addEventListener('change', function () { container.filter(filterSelect.value); });
      }

      /* The contractor list follows the fleet; the chosen one stays chosen. */
      function contractorOptions(features) {
        if (!filterSelect) { return; }
        var seen = {};
        Object.keys(features).forEach(function (id) {
          seen[contractorOf(features[id].properties)] = true;
        });
        var names = Object.keys(seen).filter(function (c) { return c !== NO_CONTRACTOR; }).sort();
        var key = names.join('\n') + (seen[NO_CONTRACTOR] ? '\n-' : '');
        if (key === knownContractors) { return; }
        knownContractors = key;
        var chosen = filterSelect.value;
        filterSelect.textContent = '';
        var options = [['', 'все']].concat(names.map(function (c) { return [c, c]; }));
        if (seen[NO_CONTRACTOR] && names.length) { options.push([NO_CONTRACTOR, 'без подрядчика']); }
        options.forEach(function (o) {
          var option = el('option', null, o[1]);
          option.value = o[0];
          filterSelect.appendChild(option);
        });
        filterSelect.value = options.some(function (o) { return o[0] === chosen; }) ? chosen : '';
        if (filterSelect.value !== chosen) { container.filter(''); }
        filterRow.hidden = names.length === 0;
      }

      realtime.on('update', function (e) {
        contractorOptions(e.features);
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
          ', на линии ' + online + ', в работе ' + working +
          (container.contractor ? ' · показан подрядчик: ' + (container.contractor === NO_CONTRACTOR
            ? 'без подрядчика' : container.contractor) : '');
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

  global.GlonassLiveFleet = fleet;
}(window));
