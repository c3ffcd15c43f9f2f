// Fuzz seed 1700620, minimised: a network nested in a global class named System; global::System.InvalidOperationException
// in the generated file bound to the class (CS0437, CS0426); now SDK0041 on the class System.
using Sdk;

partial class System
{
    partial class Outer1
    {
        [Network(InputShape = new[] { 4 })]
        public partial class Broken
        {
            [Dropout(1.5)] public partial Layer C { get; }
            [Dense(4)] public partial Layer D { get; }
        }
    }
}
