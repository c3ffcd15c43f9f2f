using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Backends;

namespace Sdk.Runtime;

/// <summary>
/// The chips a model runs on, chip i running the plan's chip i. Owns its chips: disposing the set disposes them,
/// and models built on it then refuse to run. Chips come from the kinds in <see cref="ChipKind.All"/>.
/// </summary>
public sealed class ChipSet : IDisposable
{
    /// <summary>The most chips one set may hold, so a typo cannot ask for a billion threads and buffers.</summary>
    public const int MaxChips = 1024;

    private readonly ChipDevice[] _chips;

    private ChipSet(ChipDevice[] chips)
    {
        _chips = chips;
    }

    public IReadOnlyList<ChipDevice> Chips => _chips;

    public int Count => _chips.Length;

    public bool IsDisposed { get; private set; }

    /// <summary><paramref name="count"/> CPU chips on the vectorised backend: runs on every machine (the embedded default).</summary>
    public static ChipSet Cpu(int count) => Create(ChipKind.Cpu, count);

    /// <summary><paramref name="count"/> chips on ILGPU's CPU accelerator (simulated GPU threads: slow, for checking GPU kernels).</summary>
    public static ChipSet IlgpuCpu(int count) => Create(ChipKind.IlgpuCpu, count);

    /// <summary><paramref name="count"/> chips of the kind named <paramref name="kind"/> (<c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda</c>, <c>opencl</c>).</summary>
    public static ChipSet Create(string kind, int count) => Create(ChipKind.Find(kind), count);

    /// <summary><paramref name="count"/> chips of <paramref name="kind"/>: one per device while devices last, then sharing them round-robin.</summary>
    public static ChipSet Create(ChipKind kind, int count)
    {
        ArgumentNullException.ThrowIfNull(kind);
        CheckCount(count);
        var devices = kind.Available();
        if (devices <= 0)
        {
            throw new InvalidOperationException($"This machine has no '{kind.Name}' device ({kind.Description}).");
        }

        return Build(Enumerable.Range(0, count).Select(i => (kind, i % devices)));
    }

    /// <summary>
    /// <paramref name="count"/> chips preferring GPUs: each GPU of the kinds in <see cref="ChipKind.All"/> (CUDA
    /// first, then OpenCL) is one chip; the remaining chips are CPU chips.
    /// </summary>
    public static ChipSet Auto(int count)
    {
        CheckCount(count);
        var picks = new List<(ChipKind, int)>();
        foreach (var kind in ChipKind.All.Where(k => k.IsGpu))
        {
            var devices = Math.Min(kind.Available(), count - picks.Count);
            picks.AddRange(Enumerable.Range(0, devices).Select(i => (kind, i)));
        }

        picks.AddRange(Enumerable.Range(0, count - picks.Count).Select(i => (ChipKind.Cpu, i)));
        return Build(picks);
    }

    /// <summary>A chip set of the given chips (mixed backends allowed), in chip order; the set owns them from now on.</summary>
    public static ChipSet Of(params ChipDevice[] chips)
    {
        ArgumentNullException.ThrowIfNull(chips);
        CheckCount(chips.Length);
        for (var i = 0; i < chips.Length; i++)
        {
            if (chips[i] is null)
            {
                throw new ArgumentNullException(nameof(chips), $"Chip {i} of the {chips.Length} given is null.");
            }

            chips[i].ThrowIfDisposed();
            if (Array.IndexOf(chips, chips[i]) != i)
            {
                throw new ArgumentException($"Chips {Array.IndexOf(chips, chips[i])} and {i} are the same object; a chip runs one plan chip.", nameof(chips));
            }
        }

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

    private static void CheckCount(int count)
    {
        if (count is < 1 or > MaxChips)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A chip set holds 1 to {MaxChips} chips.");
        }
    }

    /// <summary>Makes every chip, disposing those already made if one fails.</summary>
    private static ChipSet Build(IEnumerable<(ChipKind Kind, int Device)> picks)
    {
        var chips = new List<ChipDevice>();
        try
        {
            foreach (var (kind, device) in picks)
            {
                chips.Add(kind.Create(device));
            }
        }
        catch
        {
            chips.ForEach(c => c.Dispose());
            throw;
        }

        return new ChipSet(chips.ToArray());
    }
}
