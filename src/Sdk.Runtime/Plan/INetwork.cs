using Sdk.Runtime.Backends;

namespace Sdk.Runtime;

/// <summary>Implemented by every generated network class: the plan, the instance's parameters and the compiled chip code, without reflection.</summary>
public interface INetwork
{
    /// <summary>The compiled plan (the same for every instance).</summary>
    static abstract NetworkPlan Plan { get; }

    /// <summary>Code the generator compiled for backends that need it (the ILGPU kernels of each chip).</summary>
    static abstract ChipPrograms Programs { get; }

    /// <summary>This instance's parameters.</summary>
    ParameterSet Parameters { get; }
}
