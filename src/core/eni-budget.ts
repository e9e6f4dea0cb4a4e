// Contract stub (issue 16): the ENI budget helper replaces this file.

/** attach's `eniBudget` section: the Lambda network interfaces the change creates, against the Region's quota. */
export interface EniBudgetReport {
  checked: true;
  text: string;
}
