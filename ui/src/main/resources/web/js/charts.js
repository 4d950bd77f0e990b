// The charts of a session (Chart.js from the jar, loaded when first shown): frames and bytes each way per time
// bucket (the server picks a round bucket for the session's length: 5 ms for a 300 ms session, 30 s for an hour),
// the latency of paired requests, and frames per label. Counts are counts: integer ticks, never a rate made up
// from one frame in a millisecond.
import {api} from './api.js';
import {h, fill, notice} from './dom.js';
import * as fmt from './format.js';

const CHART_JS = '/assets/chart.js/dist/chart.umd.min.js';
const CLIENT = '#2f7de1';
const SERVER = '#d9480f';
let loading;

/** Chart.js, loaded once by a script element (its UMD build sets window.Chart). */
function chartJs() {
  loading ??= new Promise((resolve, reject) => {
    const script = h('script', {src: CHART_JS});
    script.addEventListener('load', () => resolve(window.Chart));
    script.addEventListener('error', () => { loading = null; reject(new Error(`${CHART_JS} did not load`)); });
    document.head.append(script);
  });
  return loading;
}

export async function showCharts(container, sessionId) {
  fill(container, notice('loading', 'Computing the statistics…'));
  let Chart;
  let stats;
  try {
    [Chart, stats] = await Promise.all([chartJs(), api.stats(sessionId)]);
  } catch (e) {
    fill(container, notice('error', 'Cannot draw the charts', e.message));
    return [];
  }
  if (stats.frames === 0) {
    fill(container, notice('empty', 'No frames yet.', 'The charts appear once the session has frames.'));
    return [];
  }
  const bucket = bucketName(stats.bucketMs);
  const decimals = Math.max(0, Math.ceil(-Math.log10(stats.bucketMs / 1000)));
  // The series starts at the handshake (firstMicros is the session's start), as the timeline's times do.
  const x = stats.series.map(p => ((p.startMicros - stats.firstMicros) / 1e6).toFixed(decimals));
  const per = (key) => stats.series.map(p => p[key]);
  const canvases = {frames: canvas('chart-frames'), bytes: canvas('chart-bytes'), latency: canvas('chart-latency'), labels: canvas('chart-labels')};
  const l = stats.latency;
  fill(container, h('div', {class: 'charts'},
      card(`Frames per ${bucket}`, canvases.frames),
      card(`Bytes per ${bucket}`, canvases.bytes),
      card('Latency of answers', canvases.latency, l.count
          ? h('p', {class: 'percentiles', id: 'percentiles'},
              `${fmt.count(l.count)} answered · p50 ${fmt.millis(l.p50Ms)} · p90 ${fmt.millis(l.p90Ms)} · p99 ${fmt.millis(l.p99Ms)} · max ${fmt.millis(l.maxMs)}`)
          : h('p', {class: 'muted'}, 'No paired requests and answers in this session.')),
      card('Frames per label', canvases.labels)));
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  const time = {title: {display: true, text: `seconds since the handshake (${bucket} buckets)`}};
  const counts = (title) => ({beginAtZero: true, ticks: {precision: 0}, title: {display: true, text: title}});
  // Both directions stay visible where they are equal: the client's line solid and wide, the server's dashed on top.
  const legend = {labels: {sort: (a, b) => a.datasetIndex - b.datasetIndex}}; // client first, whatever is drawn on top
  const lines = (a, b) => [
    {label: 'client → server', data: a, borderColor: CLIENT, backgroundColor: CLIENT, pointRadius: 0, borderWidth: 3, order: 2},
    {label: 'server → client', data: b, borderColor: SERVER, backgroundColor: SERVER, pointRadius: 0, borderWidth: 1.5,
      borderDash: [6, 4], order: 1},
  ];
  const labels = stats.labels.slice(0, 30);
  return [
    new Chart(canvases.frames, {type: 'line', data: {labels: x, datasets: lines(per('clientFrames'), per('serverFrames'))},
      options: {maintainAspectRatio: false, interaction: {mode: 'index', intersect: false}, plugins: {legend},
        scales: {x: time, y: counts(`frames per ${bucket}`)}}}),
    new Chart(canvases.bytes, {type: 'line', data: {labels: x, datasets: lines(per('clientBytes'), per('serverBytes'))},
      options: {maintainAspectRatio: false, interaction: {mode: 'index', intersect: false}, plugins: {legend},
        scales: {x: time, y: {...counts(`bytes per ${bucket}`), ticks: {precision: 0, callback: v => fmt.bytes(v)}}}}}),
    new Chart(canvases.latency, {type: 'bar',
      data: {labels: l.histogram.map(b => (b.toMs === null ? `≥ ${fmt.millis(b.fromMs)}` : `< ${fmt.millis(b.toMs)}`)),
        datasets: [{label: 'answers', data: l.histogram.map(b => b.count), backgroundColor: SERVER}]},
      options: {maintainAspectRatio: false, plugins: {legend: {display: false}},
        scales: {x: {title: {display: true, text: 'latency'}}, y: counts('answers')}}}),
    new Chart(canvases.labels, {type: 'bar',
      data: {labels: labels.map(c => c.label), datasets: [{label: 'frames', data: labels.map(c => c.count), backgroundColor: CLIENT}]},
      options: {indexAxis: 'y', maintainAspectRatio: false, plugins: {legend: {display: false}}, scales: {x: counts('frames')}}}),
  ];
}

/** A bucket's width as words: 5 ms, 2 s, 1 min, 6 h. */
function bucketName(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  return `${ms / 3_600_000} h`;
}

function canvas(id) {
  return h('canvas', {id, role: 'img'});
}

function card(title, chart, extra) {
  return h('figure', {class: 'chart-card'}, h('figcaption', null, title), h('div', {class: 'chart-box'}, chart), extra);
}
