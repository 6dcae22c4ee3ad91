// Where to write each edge's weight (and its gradient below it) along the edge. A fixed
// fraction puts a fan of labels in a pile where the edges cross, so each label takes, edge
// by edge, the point that keeps it clearest of the labels already placed (first) and of the
// other edges (second), the spread-by-destination fraction breaking ties.

const ALONG = [0.2, 0.27, 0.34, 0.41, 0.48, 0.55, 0.62, 0.69, 0.76];
const LABEL_WIDTH = 36, LABEL_HEIGHT = 32; // a weight over its gradient, in SVG units

function distanceToSegment(x, y, s) {
  const dx = s.x2 - s.x1, dy = s.y2 - s.y1;
  const t = Math.max(0, Math.min(1, ((x - s.x1) * dx + (y - s.y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - (s.x1 + t * dx), y - (s.y1 + t * dy));
}

// `segments`: [{x1, y1, x2, y2, spread}] centre to centre, `spread` the preferred fraction.
// Returns one {x, y} per segment, the label's anchor.
export function labelSpots(segments) {
  const placed = [];
  return segments.map((s, k) => {
    let best = null;
    for (const t of ALONG) {
      const x = s.x1 + (s.x2 - s.x1) * t, y = s.y1 + (s.y2 - s.y1) * t;
      let labels = 1, lines = 1; // 1: clear of every one
      for (const p of placed) {
        const apart = Math.max(Math.abs(x - p.x) / LABEL_WIDTH, Math.abs(y - p.y) / LABEL_HEIGHT);
        labels = Math.min(labels, apart);
      }
      segments.forEach((other, m) => {
        if (m !== k) lines = Math.min(lines, distanceToSegment(x, y, other) / (LABEL_HEIGHT / 2));
      });
      const score = 4 * labels + lines - Math.abs(t - s.spread);
      if (!best || score > best.score) best = { x, y, score };
    }
    placed.push(best);
    return { x: best.x, y: best.y };
  });
}
