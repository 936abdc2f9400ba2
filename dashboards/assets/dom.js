/* DOM helpers of the local dashboard. */

export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function showEmpty(box, text) {
  let note = box.querySelector('.empty-note');
  if (!text) {
    note?.remove();
    return;
  }
  if (!note) {
    note = el('p', { className: 'empty-note' });
    box.append(note);
  }
  note.textContent = text;
}
