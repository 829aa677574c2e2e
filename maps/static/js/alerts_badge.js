/*
 * glonass-dispatch: the live map's alerts badge (the live map's entry imports it).
 *
 * Finds the bar's [data-alerts-badge] link (to /events), asks its data-url (GET /api/alerts
 * for unacknowledged alerts, no rows) every data-poll-s seconds through the API helper every
 * page shares, and shows the count it answers; muted at zero, hidden while the API cannot be
 * read (signed out, server away).
 */
import {getJSON} from './pages.js';

const badge = document.querySelector('[data-alerts-badge]');

async function refresh() {
  try {
    const count = Number((await getJSON(badge.dataset.url)).unacknowledged) || 0;
    badge.querySelector('[data-alerts-count]').textContent = String(count);
    badge.classList.toggle('gd-alerts-none', count === 0);
    badge.title = count ? `Неподтверждённых тревог: ${count}` : 'Неподтверждённых тревог нет';
    badge.hidden = false;
  } catch {
    badge.hidden = true;
  }
}

if (badge) {
  refresh();
  setInterval(refresh, 1000 * (Number(badge.dataset.pollS) || 30));
}
