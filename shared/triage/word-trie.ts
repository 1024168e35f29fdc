/**
 * The words of one language's lexicon in a character trie. A token is looked up by walking it
 * once: exact words, stems (`sweat*` matches "sweating") and, for tokens of five letters or more
 * that match nothing, one typing error (a letter wrong, missing, extra, or two swapped), the first
 * letter kept. Work per token is bounded by its length and the trie's fan-out, never by the input.
 */

interface TrieNode {
  children: Map<string, TrieNode>;
  /** A word ends here. */
  exact?: number;
  /** A stem ends here: any longer word matches it too. */
  stem?: number;
}

const newNode = (): TrieNode => ({ children: new Map() });

/** Typos are only tolerated in words at least this long (shorter ones are too easily another word). */
export const MIN_TYPO_LENGTH = 5;

export class WordTrie {
  private readonly root = newNode();
  private readonly ids = new Map<string, number>();

  /** The id of a lexicon word (`stem*` or word), adding it on first sight. */
  add(entry: string): number {
    const known = this.ids.get(entry);
    if (known !== undefined) return known;
    const id = this.ids.size;
    this.ids.set(entry, id);
    const isStem = entry.endsWith('*');
    const word = isStem ? entry.slice(0, -1) : entry;
    let node = this.root;
    for (const c of word) {
      let next = node.children.get(c);
      if (!next) {
        next = newNode();
        node.children.set(c, next);
      }
      node = next;
    }
    if (isStem) node.stem = id;
    else node.exact = id;
    return id;
  }

  get size(): number {
    return this.ids.size;
  }

  /** Exact word and every stem the token starts with. */
  exact(token: string, out: number[]): void {
    let node: TrieNode | undefined = this.root;
    for (let i = 0; i < token.length && node; i++) {
      node = node.children.get(token[i] as string);
      if (node?.stem !== undefined && i + 1 >= 3) out.push(node.stem);
    }
    if (node?.exact !== undefined) out.push(node.exact);
  }

  /** Matches with one edit (after the first letter); empty when the token is short. */
  fuzzy(token: string, out: number[]): void {
    if (token.length < MIN_TYPO_LENGTH) return;
    const first = this.root.children.get(token[0] as string);
    if (first) this.walk(first, token, 1, true, out);
  }

  /** True when the token is a lexicon word itself (not only through a stem). */
  isWord(token: string): boolean {
    let node: TrieNode | undefined = this.root;
    for (let i = 0; i < token.length && node; i++) node = node.children.get(token[i] as string);
    return node?.exact !== undefined;
  }

  /** The lengths (longest first, at least `min`) at which a lexicon word or stem ends inside the token. */
  prefixLengths(token: string, min: number): number[] {
    let node: TrieNode | undefined = this.root;
    const lengths: number[] = [];
    for (let i = 0; i < token.length && node; i++) {
      node = node.children.get(token[i] as string);
      if (node && (node.exact !== undefined || node.stem !== undefined) && i + 1 >= min) lengths.unshift(i + 1);
    }
    return lengths;
  }

  /** `depth`: letters of the lexicon entry walked so far; entries shorter than MIN_TYPO_LENGTH never match a typo. */
  private walk(node: TrieNode, token: string, i: number, edit: boolean, out: number[], depth = 1): void {
    const long = depth >= MIN_TYPO_LENGTH;
    if (node.stem !== undefined && !edit && long) pushOnce(out, node.stem);
    if (i === token.length) {
      if (node.exact !== undefined && !edit && long) pushOnce(out, node.exact);
      // The token lacks its last letter.
      if (edit && depth + 1 >= MIN_TYPO_LENGTH) for (const child of node.children.values()) this.endsHere(child, out);
      return;
    }
    const c = token[i] as string;
    const same = node.children.get(c);
    if (same) this.walk(same, token, i + 1, edit, out, depth + 1);
    if (!edit) return;
    this.walk(node, token, i + 1, false, out, depth); // an extra letter in the token
    for (const [letter, child] of node.children) {
      if (letter === c) continue;
      this.walk(child, token, i + 1, false, out, depth + 1); // a wrong letter
      this.walk(child, token, i, false, out, depth + 1); // a missing letter
    }
    const swapped = node.children.get(token[i + 1] ?? '')?.children.get(c);
    if (swapped && token[i + 1] !== c) this.walk(swapped, token, i + 2, false, out, depth + 2); // two letters swapped
  }

  private endsHere(node: TrieNode, out: number[]): void {
    if (node.exact !== undefined) pushOnce(out, node.exact);
    if (node.stem !== undefined) pushOnce(out, node.stem);
  }
}

function pushOnce(out: number[], id: number): void {
  if (!out.includes(id)) out.push(id);
}
