// The tooltip of memprof's pages (browser side, bundled with each page's client): rows of
// key and value, the first (key '') the item's name, placed beside the pointer and kept inside the
// window. Text goes in as text nodes only: the names come from the profiled program.
declare const document: any;
declare const window: any;

/** Fills `tooltip` with `rows`; `nameColor` borders the name row (the timeline's function colour). */
export function fillTooltip(tooltip: any, rows: ReadonlyArray<readonly [string, string]>, nameColor?: string): void {
  tooltip.replaceChildren();
  for (const [key, value] of rows) {
    const row = document.createElement('div');
    if (key === '') {
      row.className = 'tt-name';
      if (nameColor !== undefined) row.style.borderColor = nameColor;
      row.textContent = value;
    } else {
      const label = document.createElement('span');
      label.className = 'tt-key';
      label.textContent = key;
      row.append(label, document.createTextNode(value));
    }
    tooltip.append(row);
  }
}

/** Shows `tooltip` below and right of the pointer, or on the other side where the window ends. */
export function placeTooltip(tooltip: any, event: { clientX: number; clientY: number }): void {
  tooltip.hidden = false;
  const margin = 14;
  const width = tooltip.offsetWidth;
  const height = tooltip.offsetHeight;
  let left = event.clientX + margin;
  let top = event.clientY + margin;
  if (left + width > window.innerWidth - 4) left = Math.max(4, event.clientX - margin - width);
  if (top + height > window.innerHeight - 4) top = Math.max(4, event.clientY - margin - height);
  tooltip.style.left = `${left + window.scrollX}px`;
  tooltip.style.top = `${top + window.scrollY}px`;
}
