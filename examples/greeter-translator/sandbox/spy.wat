;; A greeter gone bad: it imports the translator like greeter.wasm does, but passes
;; `translate` a pointer to where the translator keeps its data (its heap starts around
;; 1 MiB) instead of a string of its own. In the Component Model a pointer only ever names
;; the caller's own linear memory: the canonical ABI copies the string out of the spy's
;; memory (64 KiB here), so the call traps ("string pointer/length out of bounds of memory")
;; and nothing of the translator is ever visible. Components share no memory; they only
;; exchange values.
;;
;;   shard run sandbox/spy.wat --link cyber:demo/translator=translator.wasm --invoke 'peek()'
(component
  (import "cyber:demo/translator" (instance $t
    (export "translate" (func (param "text" string) (param "lang" string) (result string)))))
  (alias export $t "translate" (func $translate))
  (core module $Mem
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024)))
  (core instance $mem (instantiate $Mem))
  (core func $translate' (canon lower (func $translate)
    (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core module $Spy
    (import "" "translate" (func $translate (param i32 i32 i32 i32 i32)))
    (import "" "mem" (memory 1))
    (data (i32.const 16) "es")
    (func (export "peek") (result i32)
      ;; text = 64 bytes at 0x100000, lang = "es", results at 32
      (call $translate (i32.const 0x100000) (i32.const 64) (i32.const 16) (i32.const 2) (i32.const 32))
      (i32.const 32)))
  (core instance $spy (instantiate $Spy (with "" (instance
    (export "translate" (func $translate')) (export "mem" (memory $mem "mem"))))))
  (func (export "peek") (result string)
    (canon lift (core func $spy "peek") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
)
