/**
 * Splitting an expanded word into words, as BuildKit's `ProcessWords` does it.
 *
 * The splitter is fed pieces in two kinds, and only the kind decides whether white space splits:
 * - *split* text (plain characters of the word and the values of `$` expansions): a white-space
 *   character (Unicode White_Space, as Go's `unicode.IsSpace`) ends the current word;
 * - *raw* text (escaped characters and quoted strings): kept as is, white space included.
 *
 * A word is emitted only when it is non-empty, so `""` on its own produces no word.
 */

const WHITE_SPACE = /^\p{White_Space}$/u;

/** True for the characters Go's `unicode.IsSpace` accepts. */
export function isShellSpace(ch: string): boolean {
  return WHITE_SPACE.test(ch);
}

/** Accumulates words; one instance per (nesting level of a) word. */
export class WordSplitter {
  private readonly words: string[] = [];
  private current = '';
  private inWord = false;

  /** Adds one character of split text. */
  addChar(ch: string): void {
    if (!isShellSpace(ch)) {
      this.addRaw(ch);
    } else if (this.inWord && this.current.length > 0) {
      this.words.push(this.current);
      this.current = '';
      this.inWord = false;
    }
  }

  /** Adds split text. */
  addSplit(text: string): void {
    for (const ch of text) this.addChar(ch);
  }

  /** Adds raw text: it joins the current word whatever it contains. */
  addRaw(text: string): void {
    this.current += text;
    this.inWord = true;
  }

  /** The words so far, including the current one if it is non-empty. */
  finish(): string[] {
    return this.current.length > 0 ? [...this.words, this.current] : [...this.words];
  }
}
