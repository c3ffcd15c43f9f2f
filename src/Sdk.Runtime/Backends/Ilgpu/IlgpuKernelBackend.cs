using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Sdk.Runtime.Backends;

namespace Sdk.Runtime.Backends.Ilgpu;

/// <summary>
/// <see cref="IKernelBackend"/> on one ILGPU accelerator: library kernels that take the shape structs as
/// arguments and call the same <see cref="DeviceOps"/> functions the generated chip kernels call with constant
/// shapes. Each kernel is compiled once per accelerator, on first use. Calls are serialised (one stream).
/// </summary>
public sealed class IlgpuKernelBackend : IKernelBackend
{
    private static readonly ConditionalWeakTable<Accelerator, LibraryKernels> KernelsByAccelerator = new();

    private readonly Accelerator _accelerator;
    private readonly IlgpuChip? _ownedChip;
    private readonly LibraryKernels _kernels;
    private readonly int _side; // the tiled kernels' group side on this accelerator
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Runs on <paramref name="accelerator"/>, which the caller keeps and disposes.</summary>
    public IlgpuKernelBackend(Accelerator accelerator)
        : this(accelerator, ownedChip: null)
    {
    }

    private IlgpuKernelBackend(Accelerator accelerator, IlgpuChip? ownedChip)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        _accelerator = accelerator;
        _ownedChip = ownedChip;
        _kernels = KernelsByAccelerator.GetValue(accelerator, a => new LibraryKernels(a));
        _side = TiledOps.GroupSide(accelerator);
    }

    /// <summary>A backend on its own ILGPU CPU accelerator (simulated GPU threads), disposed with it.</summary>
    public static IlgpuKernelBackend Cpu()
    {
        var chip = IlgpuChip.Cpu();
        return new IlgpuKernelBackend(chip.Accelerator, chip);
    }

    /// <summary>A backend on <paramref name="chip"/>'s accelerator; the chip stays the caller's.</summary>
    public static IlgpuKernelBackend On(IlgpuChip chip)
    {
        ArgumentNullException.ThrowIfNull(chip);
        return new IlgpuKernelBackend(chip.Accelerator);
    }

    public string Name => $"ILGPU {_accelerator.AcceleratorType}";

    public float[] Conv2D(float[] x, int batch, float[] w, float[]? b, ConvShape s)
    {
        RequireLength(x, (long)batch * s.Cin * s.H * s.W, "Conv2D input");
        if (s.Groups <= 0 || s.Cin % s.Groups != 0 || s.Cout % s.Groups != 0)
        {
            throw new ArgumentException($"Conv2D: {s.Groups} groups do not divide Cin {s.Cin} and Cout {s.Cout}.", nameof(s));
        }

        RequireLength(w, (long)s.Cout * (s.Cin / s.Groups) * s.KH * s.KW, "Conv2D weight");
        RequireBias(b, s.HasBias, s.Cout, "Conv2D");
        return Run((long)batch * s.OutputsPerSample, y =>
        {
            using var xb = Upload(x);
            using var wb = Upload(w);
            using var bb = Upload(b);
            _kernels.Conv.Value(TiledOps.ConvConfig(s, batch, _side), xb.View, wb.View, bb.View, y, s, batch);
        });
    }

    public float[] Pool(float[] x, int batch, PoolShape s)
    {
        RequireLength(x, (long)batch * s.C * s.H * s.W, "Pool input");
        return Run((long)batch * s.OutputsPerSample, y =>
        {
            using var xb = Upload(x);
            _kernels.Pool.Value(y.IntExtent, xb.View, y, s);
        });
    }

    public float[] GlobalAveragePool(float[] x, int batch, int channels, int spatial)
    {
        RequireLength(x, (long)batch * channels * spatial, "GlobalAveragePool input");
        if (spatial <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spatial), spatial, "GlobalAveragePool needs at least one element per channel.");
        }

        return Run((long)batch * channels, y =>
        {
            using var xb = Upload(x);
            _kernels.GlobalAveragePool.Value(y.IntExtent, xb.View, y, spatial);
        });
    }

    public float[] Dense(float[] x, int batch, float[] w, float[]? b, DenseShape s)
    {
        RequireLength(x, (long)batch * s.Inputs, "Dense input");
        RequireLength(w, (long)s.Outputs * s.Inputs, "Dense weight");
        RequireBias(b, s.HasBias, s.Outputs, "Dense");
        return Run((long)batch * s.Outputs, y =>
        {
            using var xb = Upload(x);
            using var wb = Upload(w);
            using var bb = Upload(b);
            _kernels.Dense.Value(TiledOps.DenseConfig(s, batch, _side), xb.View, wb.View, bb.View, y, s, batch);
        });
    }

    public float[] Gemm(float[] a, float[] b, float[]? c, GemmShape s)
    {
        RequireLength(a, (long)s.M * s.K, "Gemm A");
        RequireLength(b, (long)s.K * s.N, "Gemm B");
        if ((c is null) != (s.HasC == 0))
        {
            throw new ArgumentException($"Gemm: C is {(c is null ? "missing" : "given")}, but the shape says HasC = {s.HasC}.", nameof(c));
        }

        if (c is not null)
        {
            RequireLength(c, ((long)(s.M - 1) * s.CRowStride) + ((long)(s.N - 1) * s.CColStride) + 1, "Gemm C");
        }

        return Run(s.Outputs, y =>
        {
            using var ab = Upload(a);
            using var bb = Upload(b);
            using var cb = Upload(c);
            _kernels.Gemm.Value(y.IntExtent, ab.View, bb.View, cb.View, y, s);
        });
    }

    public float[] MatMul(float[] a, float[] b, MatMulShape s)
    {
        // The last batch index has every coordinate at its largest: its offset plus one matrix is the operand's size.
        var batches = s.BatchCount;
        RequireLength(a, batches == 0 ? 0 : s.Batch.OffsetA(batches - 1) + ((long)s.M * s.K), "MatMul A");
        RequireLength(b, batches == 0 ? 0 : s.Batch.OffsetB(batches - 1) + ((long)s.K * s.N), "MatMul B");
        return Run(s.Outputs, y =>
        {
            using var ab = Upload(a);
            using var bb = Upload(b);
            _kernels.MatMul.Value(y.IntExtent, ab.View, bb.View, y, s);
        });
    }

    public float[] BatchNormInference(float[] x, int batch, float[] scale, float[] bias, float[] mean, float[] variance, float epsilon, ChannelAffineShape s)
    {
        RequireLength(x, (long)batch * s.C * s.Inner, "BatchNorm input");
        RequireLength(scale, s.C, "BatchNorm scale");
        var (channelScale, channelShift) = InferenceParameters.BatchNormScaleShift(scale, bias, mean, variance, epsilon);
        return Run(x.LongLength, y =>
        {
            using var xb = Upload(x);
            using var sb = Upload(channelScale);
            using var hb = Upload(channelShift);
            _kernels.ChannelAffine.Value(y.IntExtent, xb.View, sb.View, hb.View, y, s);
        });
    }

    public float[] Softmax(float[] x, SoftmaxShape s)
    {
        RequireLength(x, (long)s.Outer * s.Axis * s.Inner, "Softmax input");
        if (s.Axis == 0)
        {
            return [];
        }

        return Run(x.LongLength, y =>
        {
            using var xb = Upload(x);
            _kernels.Softmax.Value(s.Outer * s.Inner, xb.View, y, s);
        });
    }

    public float[] Activation(float[] x, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Run(x.LongLength, y =>
        {
            using var xb = Upload(x);
            _kernels.Activation.Value(y.IntExtent, xb.View, y, (int)activation);
        });
    }

    public float[] Add(float[] a, float[] b, BroadcastShape s, Activation activation = Sdk.Activation.None)
    {
        // The last output element reads the last element of each operand.
        RequireLength(a, s.Elements == 0 ? 0 : s.OffsetA(s.Elements - 1) + 1L, "Add A");
        RequireLength(b, s.Elements == 0 ? 0 : s.OffsetB(s.Elements - 1) + 1L, "Add B");
        return Run(s.Elements, y =>
        {
            using var ab = Upload(a);
            using var bb = Upload(b);
            if (a.Length == s.Elements && b.Length == s.Elements)
            {
                // Equal shapes: the kernel the generated code uses for an Add layer.
                _kernels.Add.Value(y.IntExtent, ab.View, bb.View, y, (int)activation);
            }
            else
            {
                _kernels.BroadcastAdd.Value(y.IntExtent, ab.View, bb.View, y, s, (int)activation);
            }
        });
    }

    public float[] Concat(IReadOnlyList<float[]> parts, int outer, IReadOnlyList<int> channels, int inner)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(channels);
        if (parts.Count != channels.Count || parts.Count == 0)
        {
            throw new ArgumentException($"Concat: {parts.Count} parts but {channels.Count} channel counts (need at least one).", nameof(channels));
        }

        var total = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            RequireLength(parts[i], (long)outer * channels[i] * inner, $"Concat part {i}");
            total += channels[i];
        }

        return Run((long)outer * total * inner, y =>
        {
            var offset = 0;
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i].Length > 0)
                {
                    using var pb = Upload(parts[i]);
                    _kernels.ConcatPart.Value(parts[i].Length, pb.View, y, new ConcatShape(channels[i], inner, total, offset));
                    _accelerator.Synchronize();
                }

                offset += channels[i];
            }
        });
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _ownedChip?.Dispose();
        }
    }

    /// <summary>Allocates the output, launches, waits and reads it back; an empty output launches nothing.</summary>
    private float[] Run(long outputs, Action<ArrayView<float>> launch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (outputs > int.MaxValue)
        {
            throw new ArgumentException($"{outputs} output elements: more than one kernel launch indexes.");
        }

        if (outputs == 0)
        {
            return [];
        }

        lock (_gate)
        {
            using var y = _accelerator.Allocate1D<float>(outputs);
            launch(y.View);
            _accelerator.Synchronize();
            return y.GetAsArray1D();
        }
    }

    // An absent optional tensor (no bias) still needs a buffer to bind; one element, never read.
    private MemoryBuffer1D<float, Stride1D.Dense> Upload(float[]? data) =>
        data is { Length: > 0 } ? _accelerator.Allocate1D(data) : _accelerator.Allocate1D<float>(1);

    private static void RequireLength(float[] data, long expected, string what)
    {
        ArgumentNullException.ThrowIfNull(data, what);
        if (data.LongLength != expected)
        {
            throw new ArgumentException($"{what} holds {data.LongLength} elements; its shape needs {expected}.");
        }
    }

    private static void RequireBias(float[]? b, int hasBias, int length, string op)
    {
        if ((b is null) != (hasBias == 0))
        {
            throw new ArgumentException($"{op}: the bias is {(b is null ? "missing" : "given")}, but the shape says HasBias = {hasBias}.");
        }

        if (b is not null)
        {
            RequireLength(b, length, $"{op} bias");
        }
    }

    /// <summary>The library kernels of one accelerator, each compiled on first use.</summary>
    private sealed class LibraryKernels
    {
        public LibraryKernels(Accelerator a)
        {
            Conv = new(() => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvShape, int>(TiledOps.Conv2D));
            Pool = Load<ArrayView<float>, ArrayView<float>, PoolShape>(a, PoolKernel);
            GlobalAveragePool = Load<ArrayView<float>, ArrayView<float>, int>(a, GlobalAveragePoolKernel);
            Dense = new(() => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape, int>(TiledOps.Dense));
            Gemm = Load<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(a, GemmKernel);
            MatMul = Load<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulShape>(a, MatMulKernel);
            ChannelAffine = Load<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelAffineShape>(a, ChannelAffineKernel);
            Softmax = Load<ArrayView<float>, ArrayView<float>, SoftmaxShape>(a, SoftmaxKernel);
            Activation = Load<ArrayView<float>, ArrayView<float>, int>(a, ActivationKernel);
            Add = Load<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(a, AddKernel);
            BroadcastAdd = Load<ArrayView<float>, ArrayView<float>, ArrayView<float>, BroadcastShape, int>(a, BroadcastAddKernel);
            ConcatPart = Load<ArrayView<float>, ArrayView<float>, ConcatShape>(a, ConcatPartKernel);
        }

        /// <summary>Convolution and dense layers run the tiled kernels (<see cref="TiledOps"/>), as generated chips do.</summary>
        public Lazy<Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvShape, int>> Conv { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, PoolShape>> Pool { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, int>> GlobalAveragePool { get; }
        public Lazy<Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape, int>> Dense { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>> Gemm { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulShape>> MatMul { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelAffineShape>> ChannelAffine { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, SoftmaxShape>> Softmax { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, int>> Activation { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>> Add { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, BroadcastShape, int>> BroadcastAdd { get; }
        public Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ConcatShape>> ConcatPart { get; }

        private static Lazy<Action<Index1D, T1, T2, T3>> Load<T1, T2, T3>(Accelerator a, Action<Index1D, T1, T2, T3> kernel)
            where T1 : struct where T2 : struct where T3 : struct =>
            new(() => a.LoadAutoGroupedStreamKernel(kernel));

        private static Lazy<Action<Index1D, T1, T2, T3, T4>> Load<T1, T2, T3, T4>(Accelerator a, Action<Index1D, T1, T2, T3, T4> kernel)
            where T1 : struct where T2 : struct where T3 : struct where T4 : struct =>
            new(() => a.LoadAutoGroupedStreamKernel(kernel));

        private static Lazy<Action<Index1D, T1, T2, T3, T4, T5>> Load<T1, T2, T3, T4, T5>(Accelerator a, Action<Index1D, T1, T2, T3, T4, T5> kernel)
            where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct =>
            new(() => a.LoadAutoGroupedStreamKernel(kernel));

        private static void PoolKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, PoolShape s) => DeviceOps.Pool(i, x, y, s);

        private static void GlobalAveragePoolKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, int spatial) =>
            DeviceOps.GlobalAveragePool(i, x, y, spatial);

        private static void GemmKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> y, GemmShape s) =>
            DeviceOps.Gemm(i, a, b, c, y, s);

        private static void MatMulKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, MatMulShape s) =>
            DeviceOps.MatMul(i, a, b, y, s);

        private static void ChannelAffineKernel(Index1D i, ArrayView<float> x, ArrayView<float> scale, ArrayView<float> shift, ArrayView<float> y, ChannelAffineShape s) =>
            DeviceOps.ChannelAffine(i, x, scale, shift, y, s);

        private static void SoftmaxKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, SoftmaxShape s) => DeviceOps.Softmax(i, x, y, s);

        private static void ActivationKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, int activation) =>
            DeviceOps.Activation(i, x, y, activation);

        private static void AddKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int activation) =>
            DeviceOps.Add(i, a, b, y, activation);

        private static void BroadcastAddKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, BroadcastShape s, int activation) =>
            DeviceOps.BroadcastAdd(i, a, b, y, s, activation);

        private static void ConcatPartKernel(Index1D i, ArrayView<float> part, ArrayView<float> y, ConcatShape s) => DeviceOps.ConcatPart(i, part, y, s);
    }
}
