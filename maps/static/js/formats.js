/*
 * glonass-dispatch: what a person reads, in Russian: times on the city's clock, durations,
 * numbers and kilometres.
 *
 *   time(zone)         // {ms, format, clock, toInput, fromInput, iso} in the city's zone
 *   duration(seconds)  // "2 ч 05 мин", "3 сут 4 ч"
 *   km(metres) / numberFmt
 *
 * The API speaks ISO 8601 with offsets; a person reads and types the city's wall-clock time
 * (Asia/Vladivostok) whatever zone the dispatcher's PC is set to, so <input
 * type="datetime-local"> values are converted here, never by the browser's own zone.
 */
function time(zone) {
  var full = new Intl.DateTimeFormat('ru-RU', {timeZone: zone, day: '2-digit',
    month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit'});
  var fullSeconds = new Intl.DateTimeFormat('ru-RU', {timeZone: zone, day: '2-digit',
    month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit'});
  var clock = new Intl.DateTimeFormat('ru-RU', {timeZone: zone, hour: '2-digit',
    minute: '2-digit', second: '2-digit'});
  var parts = new Intl.DateTimeFormat('en-US', {timeZone: zone, hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    second: '2-digit'});

  function ms(value) {
    if (value === null || value === undefined || value === '') { return null; }
    var t = typeof value === 'number' ? value : Date.parse(value);
    return isNaN(t) ? null : t;
  }

  /* The zone's offset from UTC at instant t, in ms (Vladivostok: +10 h, but ask, not assume). */
  function offset(t) {
    var v = {};
    parts.formatToParts(new Date(t)).forEach(function (p) { v[p.type] = p.value; });
    var wall = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour % 24, +v.minute, +v.second);
    return wall - Math.floor(t / 1000) * 1000;
  }

  return {
    ms: ms,
    format: function (value, seconds) {
      var t = ms(value);
      return t === null ? '—' : (seconds ? fullSeconds : full).format(new Date(t))
        .replace(',', '');
    },
    clock: function (value) {
      var t = ms(value);
      return t === null ? '—' : clock.format(new Date(t));
    },
    /* 'YYYY-MM-DDTHH:MM' as the city's clock shows it at t: a datetime-local value. */
    toInput: function (value) {
      var t = ms(value);
      return t === null ? '' : new Date(t + offset(t)).toISOString().slice(0, 16);
    },
    /* The instant a datetime-local value names in the city's zone, or null. */
    fromInput: function (text) {
      if (!text) { return null; }
      var wall = Date.parse(text.length === 16 ? text + ':00Z' : text + 'Z');
      if (isNaN(wall)) { return null; }
      var guess = wall - offset(wall);
      return wall - offset(guess);
    },
    iso: function (t) { return new Date(t).toISOString().replace('.000Z', 'Z'); }
  };
}

/* "2 ч 05 мин", "3 сут 4 ч", "40 с": a duration a dispatcher reads at a glance. */
function duration(seconds) {
  var s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) { return s + ' с'; }
  var m = Math.floor(s / 60);
  if (m < 60) { return m + ' мин'; }
  var h = Math.floor(m / 60);
  if (h < 48) { return h + ' ч ' + String(m % 60).padStart(2, '0') + ' мин'; }
  return Math.floor(h / 24) + ' сут ' + (h % 24) + ' ч';
}

var numberFmt = new Intl.NumberFormat('ru-RU', {maximumFractionDigits: 1});
function km(metres) { return numberFmt.format((Number(metres) || 0) / 1000) + ' км'; }

export {time, duration, km, numberFmt};
