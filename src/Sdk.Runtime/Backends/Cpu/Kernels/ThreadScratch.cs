using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>Purposes of per-thread scratch buffers. Each purpose has its own buffer so nested kernels never share one.</summary>
    internal enum ScratchSlot
    {
        /// <summary>GEMM: packed panel of op(B) (KC x NC).</summary>
        PackB = 0,
        /// <summary>GEMM: packed op(A) when the driver packs it itself.</summary>
        PackA = 1,
        /// <summary>Convolution: im2col matrix of one chunk of samples.</summary>
        Columns = 2,
        /// <summary>Convolution: GEMM output of a multi-sample chunk, or gathered output gradient.</summary>
        ConvTemp = 3,
        /// <summary>Depthwise convolution: padded input plane.</summary>
        Plane = 4,
        /// <summary>Short-lived scratch for small kernels (batch-norm folded parameters).</summary>
        Misc = 5,
        /// <summary>GEMM: one generated row of an implicit op(B) (implicit im2col).</summary>
        BRow = 6,
        /// <summary>Winograd convolution: the task's transformed input, packed for the GEMM kernel.</summary>
        Winograd = 8,
        /// <summary>Dense layer split over its depth: the second share's partial product (the caller's buffer).</summary>
        DensePartial = 9,
    }

    /// <summary>
    /// Grow-only, 64-byte aligned float buffers owned by the current thread, one per <see cref="ScratchSlot"/>.
    /// </summary>
    /// <remarks>
    /// Kernels use these instead of allocating: after the first call of a shape nothing is allocated. The
    /// arrays live on the pinned object heap, so their addresses never move and no <c>fixed</c> is needed;
    /// they are freed by the GC when the thread ends. A pointer stays valid until the same slot is requested
    /// again on the same thread with a larger size, so a kernel must not call another kernel that uses the
    /// same slot while it holds the pointer.
    /// </remarks>
    internal static unsafe class ThreadScratch
    {
        private const int SlotCount = 10;

        [ThreadStatic] private static float[]?[]? t_arrays;

        /// <summary>Returns a 64-byte aligned buffer of at least <paramref name="floats"/> floats (contents undefined).</summary>
        public static float* Get(ScratchSlot slot, long floats)
        {
            float[]?[] arrays = t_arrays ??= new float[SlotCount][];
            float[]? array = arrays[(int)slot];
            if (array is null || array.LongLength - 16 < floats)
            {
                long grown = Math.Max(floats, array is null ? 0 : (array.LongLength - 16) * 3 / 2);
                if (grown + 16 > Array.MaxLength)
                {
                    throw new InsufficientMemoryException("Kernel scratch of " + floats + " floats is too large.");
                }

                array = GC.AllocateUninitializedArray<float>((int)grown + 16, pinned: true);
                arrays[(int)slot] = array;
            }

            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            return (float*)((address + 63) & ~(nint)63);
        }
    }
}
