import "./gallery.css";
import { mount } from "../shared/ui";

export function showGallery(host: HTMLElement): void {
  host.classList.add("gallery");
  host.innerHTML = "";
  for (const caption of ["Horse", "Silhouette"]) {
    const figure = document.createElement("figure");
    figure.innerHTML = `<div class="horse"></div><figcaption></figcaption>`;
    figure.querySelector("figcaption")!.textContent = caption;
    host.append(figure);
  }
  mount("#status", "Gallery loaded");
}
