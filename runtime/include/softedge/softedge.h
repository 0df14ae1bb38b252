// softedge/softedge.h — the whole runtime API: load a model, size scratch, infer.
#ifndef SOFTEDGE_SOFTEDGE_H
#define SOFTEDGE_SOFTEDGE_H

#include "softedge/crc32.h"
#include "softedge/format.h"
#include "softedge/inference.h"
#include "softedge/kernels.h"
#include "softedge/model.h"
#include "softedge/status.h"

#endif  // SOFTEDGE_SOFTEDGE_H
