/** Files bundled as text by wrangler.toml `[[rules]]` (type Text). */
declare module '*.bundle.txt' {
  const text: string;
  export default text;
}
