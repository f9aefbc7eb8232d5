/** The `stopword` package ships no types; the themes use only its pt and en lists. */
declare module 'stopword' {
  export const por: string[];
  export const eng: string[];
}
