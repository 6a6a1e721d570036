import { greet, mount } from "./shared/ui";

mount("#greeting", greet({ who: "reader", when: new Date() }));
