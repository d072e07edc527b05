// Rust std on WASI: arguments, environment, stdin lines -> stdout, exit code from argv[1].
use std::io::{self, BufRead, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("argc={}", args.len());
    for (i, a) in args.iter().enumerate().skip(1) {
        println!("argv[{}]={}", i, a);
    }
    match std::env::var("GREETING") {
        Ok(v) => println!("GREETING={}", v),
        Err(_) => println!("GREETING=(unset)"),
    }
    let mut vars: Vec<String> = std::env::vars().map(|(k, _)| k).collect();
    vars.sort();
    println!("vars={}", vars.join(","));
    let stdin = io::stdin();
    for (n, line) in stdin.lock().lines().enumerate() {
        println!("stdin {}: {}", n + 1, line.unwrap().to_uppercase());
    }
    eprintln!("to stderr");
    io::stdout().flush().unwrap();
    let code = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    std::process::exit(code);
}
