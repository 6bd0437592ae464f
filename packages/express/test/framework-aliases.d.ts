// Express 4 is installed under an alias for these tests; typed like Express 5 for what they use.
declare module 'express4' {
  import express from 'express';
  export default express;
}
