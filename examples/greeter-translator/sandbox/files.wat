;; A component that asks for the host's directories through WASI 0.2
;; (`wasi:filesystem/preopens`). Called with --invoke and no WASI grant it gets no WASI at all,
;; so linking it fails with a message naming the capability, before any of its code runs;
;; with a grant (--dir HOST[::GUEST], --dir-ro) it sees exactly the granted directories.
;;
;;   shard run sandbox/files.wat --invoke 'count()'   → refused
(component
  (import "wasi:filesystem/types@0.2.0" (instance $types
    (export "descriptor" (type (sub resource)))))
  (alias export $types "descriptor" (type $descriptor))
  (type $dirs (list (tuple (own $descriptor) string)))
  (import "wasi:filesystem/preopens@0.2.0" (instance $preopens
    (export "descriptor" (type (eq $descriptor)))
    (export "get-directories" (func (result $dirs)))))
  (core module $M
    (func (export "count") (result i32) (i32.const 0)))
  (core instance $m (instantiate $M))
  (func (export "count") (result u32) (canon lift (core func $m "count")))
)
