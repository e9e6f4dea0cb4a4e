// Contract stub (issue 16): the chooser replaces this file.

/** attach's `choice` section: what --vpc, --like and the name:/tag: selectors chose, and why. */
export interface NetworkChoiceReport {
  checked: true;
}
