import { greet, mount } from "./shared/ui";
import "./app.css";

mount("#greeting", greet({ who: "visitor", when: new Date() }));

const button = document.querySelector<HTMLButtonElement>("#open-gallery");
button?.addEventListener("click", async () => {
  button.disabled = true;
  const { showGallery } = await import("./routes/gallery");
  showGallery(document.querySelector("#gallery")!);
});
