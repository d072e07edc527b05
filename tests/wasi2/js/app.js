// wasi:cli/run in JavaScript (componentize-js): output through wasi:cli/stdout, plus the
// clocks and random numbers the JS engine takes from WASI.
export const run = {
  run() {
    const words = ['hello', 'from', 'componentize-js'];
    console.log(words.join(' ') + ': ' + words.map((w) => w.length).reduce((a, b) => a + b, 0));
    const t = Date.now();
    console.log('clock ' + (t > 1.6e12 ? 'ok' : 'wrong: ' + t));
    const r = Math.random();
    console.log('random ' + (r >= 0 && r < 1 ? 'ok' : 'wrong: ' + r));
    let fib = [0, 1];
    for (let i = 2; i < 40; i++) fib.push(fib[i - 1] + fib[i - 2]);
    console.log('fib(39) = ' + fib[39]);
  }
};
