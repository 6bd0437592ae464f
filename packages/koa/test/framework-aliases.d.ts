// Koa 2 is installed under an alias for these tests; typed like Koa 3 for what they use.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
