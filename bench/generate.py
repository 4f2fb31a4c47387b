#!/usr/bin/python3
"""Benchmark data for bench/run.mjs, written to .bench-cache/ (git-ignored).

  big-4g.pt        a ~4 GB torch zip checkpoint (16 x 256 MiB float32 tensors)
  stream-1g.pkl    a ~1 GB raw pickle (numpy arrays, protocol 4: BINBYTES8)
  joblib-1g.joblib a ~1 GB uncompressed joblib dump (arrays between pickle opcodes)
  many/            2,000 small checkpoints (state dicts, whole modules, optimizers, legacy)
"""
import os
import sys

import numpy as np

OUT = sys.argv[1]
what = set(sys.argv[2:]) or {'big', 'stream', 'joblib', 'many'}
os.makedirs(OUT, exist_ok=True)

if 'big' in what and not os.path.exists(os.path.join(OUT, 'big-4g.pt')):
    import torch
    sd = {f'layer{i}.weight': torch.full((64 * 1024 * 1024,), float(i)) for i in range(16)}
    torch.save(sd, os.path.join(OUT, 'big-4g.pt.tmp'))
    os.rename(os.path.join(OUT, 'big-4g.pt.tmp'), os.path.join(OUT, 'big-4g.pt'))
    del sd

if 'stream' in what and not os.path.exists(os.path.join(OUT, 'stream-1g.pkl')):
    import pickle
    arrays = {f'a{i}': np.full(32 * 1024 * 1024, i, dtype=np.float32) for i in range(8)}
    with open(os.path.join(OUT, 'stream-1g.pkl'), 'wb') as f:
        pickle.dump(arrays, f, protocol=4)

if 'joblib' in what and not os.path.exists(os.path.join(OUT, 'joblib-1g.joblib')):
    import joblib
    arrays = {f'a{i}': np.full(32 * 1024 * 1024, i, dtype=np.float32) for i in range(8)}
    joblib.dump(arrays, os.path.join(OUT, 'joblib-1g.joblib'))

if 'many' in what and not os.path.isdir(os.path.join(OUT, 'many')):
    import io
    import torch
    import torch.nn as nn
    d = os.path.join(OUT, 'many.tmp')
    os.makedirs(d, exist_ok=True)
    kinds = []
    for width in (4, 8, 16, 32):
        net = nn.Sequential(nn.Conv2d(3, width, 3), nn.BatchNorm2d(width), nn.ReLU(), nn.Flatten(), nn.Linear(width, 10))
        opt = torch.optim.Adam(net.parameters())
        for obj, kw in ((net.state_dict(), {}), (net, {}), ({'model': net.state_dict(), 'opt': opt.state_dict(), 'epoch': 1}, {}),
                        (net.state_dict(), {'_use_new_zipfile_serialization': False})):
            b = io.BytesIO()
            torch.save(obj, b, **kw)
            kinds.append(b.getvalue())
    for i in range(2000):
        with open(os.path.join(d, f'ckpt-{i:04d}.pt'), 'wb') as f:
            f.write(kinds[i % len(kinds)])
    os.rename(d, os.path.join(OUT, 'many'))
print('bench data ready in', OUT)
