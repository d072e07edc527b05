// Rust std::fs on WASI under the preopen /data: create_dir_all, write, read, append,
// metadata, read_dir, rename, copy, hard links, remove_file, remove_dir_all,
// and errors as io::ErrorKind.
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};

fn listing(dir: &str) -> String {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            let suffix = if t.is_dir() { "/" } else if t.is_symlink() { "@" } else { "" };
            format!("{}{}", e.file_name().to_string_lossy(), suffix)
        })
        .collect();
    names.sort();
    names.join(" ")
}

fn main() {
    fs::create_dir_all("/data/a/b/c").unwrap();
    fs::write("/data/a/b/c/file.txt", b"rust was here\n").unwrap();
    let s = fs::read_to_string("/data/a/b/c/file.txt").unwrap();
    print!("read: {}", s);

    let mut f = OpenOptions::new().append(true).open("/data/a/b/c/file.txt").unwrap();
    f.write_all(b"appended\n").unwrap();
    drop(f);
    let mut f = OpenOptions::new().read(true).write(true).open("/data/a/b/c/file.txt").unwrap();
    f.seek(SeekFrom::Start(5)).unwrap();
    f.write_all(b"WAS").unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    let mut all = String::new();
    f.read_to_string(&mut all).unwrap();
    print!("after seek+write: {}", all);
    println!("len {}", f.metadata().unwrap().len());
    f.set_len(4).unwrap();
    drop(f);
    println!("truncated: {:?}", fs::read_to_string("/data/a/b/c/file.txt").unwrap());

    fs::copy("/data/a/b/c/file.txt", "/data/copy.txt").unwrap();
    fs::rename("/data/copy.txt", "/data/a/moved.txt").unwrap();
    fs::hard_link("/data/a/moved.txt", "/data/hard.txt").unwrap();
    println!("hard nlink shared: {}", fs::metadata("/data/hard.txt").unwrap().len() == 4);

    match fs::read("/data/nope") {
        Err(e) => println!("missing: {:?}", e.kind()),
        Ok(_) => println!("missing: found?!"),
    }
    match fs::create_dir("/data/a") {
        Err(e) => println!("create existing: {:?}", e.kind() == ErrorKind::AlreadyExists),
        Ok(_) => println!("create existing: ok?!"),
    }
    match fs::remove_dir("/data/a") {
        Err(_) => println!("remove non-empty: error"),
        Ok(_) => println!("remove non-empty: ok?!"),
    }

    fs::create_dir_all("/data/tmp/x/y").unwrap();
    fs::write("/data/tmp/x/y/z.txt", b"z").unwrap();
    fs::write("/data/tmp/x/w.txt", b"w").unwrap();
    fs::remove_dir_all("/data/tmp").unwrap();
    println!("tmp gone: {}", !std::path::Path::new("/data/tmp").exists());
    fs::write("/data/gone.txt", b"").unwrap();
    fs::remove_file("/data/gone.txt").unwrap();

    println!("/data: {}", listing("/data"));
    println!("/data/a: {}", listing("/data/a"));
    println!("/data/a/b/c: {}", listing("/data/a/b/c"));
}
