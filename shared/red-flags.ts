// TEMPORARY placeholder written by the lead so the tree compiles while the red-flag checker is
// being written (helper task): overwrite this whole file.
export interface RedFlagResult {
  urgent: boolean;
  categories: string[];
  advice: string | undefined;
}
export function detectRedFlags(_text: string): RedFlagResult {
  return { urgent: false, categories: [], advice: undefined };
}
