export interface Greeting {
  who: string;
  when: Date;
}

export function greet(g: Greeting): string {
  const hour = g.when.getHours();
  const part = hour < 12 ? "morning" : hour < 18 ? "afternoon" : "evening";
  return `Good ${part}, ${g.who}!`;
}

export function mount(selector: string, text: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  el.textContent = text;
  return el;
}
