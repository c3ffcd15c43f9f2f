using Microsoft.CodeAnalysis;

namespace Sdk.Generator;

/// <summary>The model compiler: network class in, plan, kernels and traffic report out.</summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
