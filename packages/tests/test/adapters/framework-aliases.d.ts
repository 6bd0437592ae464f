// The older majors are installed under aliases for these tests; their API is typed like the
// current major's for everything the suite uses.
declare module 'express4' {
  import express from 'express';
  export default express;
}
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
