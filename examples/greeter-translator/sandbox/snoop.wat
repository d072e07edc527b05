;; A component that wants to read the host's environment variables through WASI 0.2
;; (`wasi:cli/environment`). Shard grants nothing by default: without --env/--inherit-env the
;; import is refused when the component is linked, with a message naming the capability. With
;; --env NAME=VALUE it sees exactly the variables granted, nothing else.
;;
;;   shard run sandbox/snoop.wat --invoke 'env()'                  → refused
;;   shard run sandbox/snoop.wat --env GREETING=hi --invoke 'env()' → [("GREETING", "hi")]
(component
  (type $pair (tuple string string))
  (type $vars (list $pair))
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-environment" (func (result $vars)))))
  (alias export $env "get-environment" (func $get))
  (core module $Mem
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      ;; align up, then bump
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (core func $get' (canon lower (func $get)
    (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core module $Snoop
    (import "" "get" (func $get (param i32)))
    (func (export "env") (result i32)
      (call $get (i32.const 8))
      (i32.const 8)))
  (core instance $snoop (instantiate $Snoop (with "" (instance (export "get" (func $get'))))))
  (func (export "env") (result $vars)
    (canon lift (core func $snoop "env") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
)
