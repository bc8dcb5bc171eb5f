import { describe, expect, it } from "vitest";
import { describeStepErrors, stepsWithErrors } from "./step-props";

describe("a refusal met on another step says where to fix it", () => {
  it("names each step the server's field errors belong to, in the wizard's order", () => {
    const fieldErrors = {
      "options.invalidationDomain": ["gmail.com delivers to real people."],
      "options.users": ["Give at least one person access to the sandbox, or say in a few words why nobody needs it."],
      "options.share.since": ["Give the date."],
      "options.users.3.userPlan": ["Not ordered."],
    };
    expect(stepsWithErrors(fieldErrors)).toEqual([
      { index: 0, title: "Access", messages: ["Give at least one person access to the sandbox, or say in a few words why nobody needs it.", "Not ordered."] },
      { index: 1, title: "E-mail", messages: ["gmail.com delivers to real people."] },
      { index: 3, title: "Data", messages: ["Give the date."] },
    ]);
    expect(describeStepErrors("Some fields need your attention.", fieldErrors)).toBe(
      "Step 1, Access: Give at least one person access to the sandbox, or say in a few words why nobody needs it. Not ordered. " +
        "Step 2, E-mail: gmail.com delivers to real people. Step 4, Data: Give the date.",
    );
  });

  it("keeps the refusal's own words when no field of the options is named", () => {
    expect(describeStepErrors("Tick the box to confirm.", { acknowledgeNoGoingBack: ["Tick the box."] })).toBe("Tick the box to confirm.");
    expect(describeStepErrors("Production is busy.", undefined)).toBe("Production is busy.");
  });
});
