"""Bounding-box checks the layout tests share (issue #15): nothing drawn outside its box."""

from __future__ import annotations

from typing import Any

# Every problem as a short text: a cell outside its table, a table wider than the page, the
# page wider than the viewport. Boxes are compared with half a pixel of slack (sub-pixel
# rounding of borders).
BOXES_JS = """
() => {
  const problems = [];
  const slack = 0.5;
  const vw = document.documentElement.clientWidth;
  const sw = document.scrollingElement.scrollWidth;
  if (sw > vw) problems.push(`page scrolls sideways: ${sw} > ${vw}`);
  const inside = (a, b) => a.left >= b.left - slack && a.right <= b.right + slack &&
    a.top >= b.top - slack && a.bottom <= b.bottom + slack;
  const label = (el) => (el.innerText || el.getAttribute('aria-label') || el.tagName)
    .trim().slice(0, 40);
  for (const table of document.querySelectorAll('main table')) {
    const box = table.getBoundingClientRect();
    if (!box.width) continue;
    for (const cell of table.querySelectorAll('th, td')) {
      const c = cell.getBoundingClientRect();
      if (c.width && !inside(c, box)) problems.push(`cell «${label(cell)}» outside its table`);
    }
    // Only the journal grid scrolls inside its box; every other table fits its wrapper.
    const wrap = table.parentElement;
    if (!table.closest('.grid-wrap') && wrap.scrollWidth > wrap.clientWidth + 1) {
      problems.push(`table «${label(table.querySelector('th'))}» scrolls sideways: ` +
        `${wrap.scrollWidth} > ${wrap.clientWidth}`);
    }
  }
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > vw + slack && !el.closest('.grid-wrap')) {
      problems.push(`«${label(el)}» (${el.tagName}) past the viewport: ${r.right} > ${vw}`);
    }
  }
  return problems.slice(0, 20);
}
"""

# The journal grid: each pupil's name cell stays on its row at any scroll position, and no
# name is drawn outside the grid's scrolling box.
GRID_JS = """
() => {
  const problems = [];
  const wrap = document.querySelector('.grid-wrap').getBoundingClientRect();
  const rows = document.querySelectorAll('table.grid tbody tr');
  for (const row of rows) {
    const r = row.getBoundingClientRect();
    const name = row.querySelector('th.g-name').getBoundingClientRect();
    if (Math.abs(name.top - r.top) > 1 || Math.abs(name.bottom - r.bottom) > 1) {
      problems.push(`name of row ${row.dataset.p} at ${name.top}-${name.bottom}, ` +
        `its row at ${r.top}-${r.bottom}`);
    }
  }
  // What is drawn over the save bar (sticky at the window's bottom) is the bar itself:
  // no name cell of the grid shows through it.
  const bar = document.querySelector('.savebar');
  if (bar) {
    const b = bar.getBoundingClientRect();
    for (let x = b.left + 2; x < b.right; x += 20) {
      for (const y of [b.top + 2, (b.top + b.bottom) / 2, b.bottom - 2]) {
        if (y < 0 || y >= window.innerHeight || x >= window.innerWidth) continue;
        const el = document.elementFromPoint(x, y);
        if (el && !el.closest('.savebar')) {
          problems.push(`«${(el.innerText || el.tagName).trim().slice(0, 30)}» drawn over ` +
            `the save bar at ${Math.round(x)},${Math.round(y)}`);
        }
      }
    }
  }
  // Just below and just right of the grid's box, no name cell is what the eye sees.
  for (let x = wrap.left + 4; x < wrap.right; x += 40) {
    const y = wrap.bottom + 3;
    if (y >= window.innerHeight) break;
    const el = document.elementFromPoint(x, y);
    if (el && el.closest('table.grid')) problems.push(`grid drawn below its box at x=${x}`);
  }
  return {problems, rows: rows.length};
}
"""


def box_problems(page: Any) -> list[str]:
    return list(page.evaluate(BOXES_JS))


def grid_problems(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(GRID_JS))
