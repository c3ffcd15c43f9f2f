using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Cpu;
using Sdk.Runtime.Ilgpu;

namespace Sdk.Runtime;

/// <summary>
/// The chips a model runs on, chip i running the plan's chip i. Owns its chips: disposing the set disposes them,
/// and models built on it then refuse to run.
/// </summary>
public sealed class ChipSet : IDisposable
{
    private readonly ChipDevice[] _chips;

    private ChipSet(ChipDevice[] chips)
    {
        if (chips.Length == 0)
        {
            throw new ArgumentException("A chip set needs at least one chip.", nameof(chips));
        }

        _chips = chips;
    }

    public IReadOnlyList<ChipDevice> Chips => _chips;

    public int Count => _chips.Length;

    public bool IsDisposed { get; private set; }

    /// <summary><paramref name="count"/> CPU chips on the vectorised backend: runs on every machine (the embedded default).</summary>
    public static ChipSet Cpu(int count) => new(Create(count, _ => new CpuChip()));

    /// <summary><paramref name="count"/> chips on ILGPU's CPU accelerator (simulated GPU threads: slow, for checking GPU kernels).</summary>
    public static ChipSet IlgpuCpu(int count) => new(Create(count, _ => IlgpuChip.Cpu()));

    /// <summary>
    /// <paramref name="count"/> chips preferring GPUs: CUDA devices first, then OpenCL, each GPU one chip; the
    /// remaining chips are CPU chips.
    /// </summary>
    public static ChipSet Auto(int count)
    {
        var gpus = Math.Min(IlgpuChip.GpuCount, count);
        var chips = Enumerable.Range(0, gpus).Select(i => (ChipDevice)IlgpuChip.Gpu(i)).ToList();
        if (count > gpus)
        {
            chips.AddRange(Cpu(count - gpus).DetachChips());
        }

        return new ChipSet(chips.ToArray());
    }

    /// <summary>A chip set of the given chips (mixed backends allowed), in chip order.</summary>
    public static ChipSet Of(params ChipDevice[] chips)
    {
        ArgumentNullException.ThrowIfNull(chips);
        return new ChipSet((ChipDevice[])chips.Clone());
    }

    internal void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            throw new ObjectDisposedException(nameof(ChipSet), "The chip set has been disposed; create a new one to run the model.");
        }
    }

    public void Dispose()
    {
        if (!IsDisposed)
        {
            IsDisposed = true;
            foreach (var chip in _chips)
            {
                chip.Dispose();
            }
        }
    }

    public override string ToString() =>
        $"{Count} chips ({string.Join(", ", _chips.GroupBy(c => c.Name).Select(g => g.Count() == 1 ? g.Key : $"{g.Count()} x {g.Key}"))})";

    private ChipDevice[] DetachChips()
    {
        IsDisposed = true; // the chips now belong to another set
        return _chips;
    }

    private static ChipDevice[] Create(int count, Func<int, ChipDevice> create)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A chip count cannot be negative.");
        }

        var chips = new ChipDevice[count];
        for (var i = 0; i < count; i++)
        {
            chips[i] = create(i);
        }

        return chips;
    }
}
