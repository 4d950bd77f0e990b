'use strict';
// The schema both GraphQL servers serve: a query, a mutation and two subscriptions that stream a few results each.
const { GraphQLSchema, GraphQLObjectType, GraphQLString, GraphQLInt, GraphQLNonNull, GraphQLID } = require('graphql');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const Message = new GraphQLObjectType({
  name: 'Message',
  fields: { id: { type: new GraphQLNonNull(GraphQLID) }, text: { type: new GraphQLNonNull(GraphQLString) } },
});

let nextId = 1;

module.exports = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      hello: { type: GraphQLString, args: { name: { type: GraphQLString } }, resolve: (_, { name }) => `hello ${name}` },
    },
  }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: {
      post: {
        type: Message,
        args: { text: { type: new GraphQLNonNull(GraphQLString) } },
        resolve: (_, { text }) => ({ id: String(nextId++), text }),
      },
    },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      ticks: {
        type: GraphQLInt,
        args: { count: { type: new GraphQLNonNull(GraphQLInt) }, every: { type: new GraphQLNonNull(GraphQLInt) } },
        subscribe: async function* (_, { count, every }) {
          for (let i = 1; i <= count; i++) {
            await sleep(every);
            yield { ticks: i };
          }
        },
      },
      messages: {
        type: Message,
        args: { count: { type: new GraphQLNonNull(GraphQLInt) } },
        subscribe: async function* (_, { count }) {
          for (let i = 1; i <= count; i++) {
            await sleep(35);
            yield { messages: { id: `m${i}`, text: `message ${i}` } };
          }
        },
      },
    },
  }),
});
