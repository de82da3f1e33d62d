import { GraphQLError, Kind, type ASTNode, type FragmentDefinitionNode, type ValidationContext } from 'graphql';

/**
 * A validation rule refusing operations nested deeper than `maxDepth` fields, counting through
 * fragments, so one request cannot ask for unbounded work.
 */
export function depthLimit(maxDepth: number) {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const depthOf = (node: ASTNode, seen: Set<string>): number => {
      if (node.kind === Kind.FIELD) {
        return node.selectionSet ? 1 + Math.max(0, ...node.selectionSet.selections.map((s) => depthOf(s, seen))) : 1;
      }
      if (node.kind === Kind.INLINE_FRAGMENT || node.kind === Kind.OPERATION_DEFINITION) {
        return Math.max(0, ...node.selectionSet.selections.map((s) => depthOf(s, seen)));
      }
      if (node.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(node.name.value);
        if (!fragment || seen.has(node.name.value)) return 0;
        return Math.max(0, ...fragment.selectionSet.selections.map((s) => depthOf(s, new Set([...seen, node.name.value]))));
      }
      return 0;
    };
    return {
      OperationDefinition(node: ASTNode) {
        const depth = depthOf(node, new Set());
        if (depth > maxDepth) {
          context.reportError(new GraphQLError(`operation is ${depth} levels deep; at most ${maxDepth} are allowed`, {
            nodes: [node], extensions: { code: 'BAD_USER_INPUT' },
          }));
        }
      },
    };
  };
}
