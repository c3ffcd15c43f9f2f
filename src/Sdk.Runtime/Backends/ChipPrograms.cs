using System;
using System.Collections.Generic;

namespace Sdk.Runtime.Backends;

/// <summary>
/// Code the source generator compiled for a declared network's chips, keyed by backend: the ILGPU backend runs
/// kernels with every shape baked in (the <c>X.Chip{n}.g.cs</c> files); the CPU backend plans its kernels at run
/// time and needs none. A plan made at run time (a variant, an imported model) has none either.
/// </summary>
public sealed class ChipPrograms
{
    private readonly Dictionary<string, Func<int, object?>> _byBackend = new(StringComparer.Ordinal);

    /// <summary>No compiled code: for plans made at run time.</summary>
    public static ChipPrograms None { get; } = new();

    private ChipPrograms()
    {
    }

    /// <summary>Programs for one backend: <paramref name="create"/> makes chip n's (null for a chip it has none for).</summary>
    public ChipPrograms(string backend, Func<int, object?> create)
    {
        ArgumentException.ThrowIfNullOrEmpty(backend);
        ArgumentNullException.ThrowIfNull(create);
        _byBackend[backend] = create;
    }

    /// <summary>Chip <paramref name="chip"/>'s program for <paramref name="backend"/>, or null.</summary>
    public T? For<T>(string backend, int chip)
        where T : class =>
        _byBackend.TryGetValue(backend, out var create) ? create(chip) as T : null;
}
